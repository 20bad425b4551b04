//! The deployment examples under `deploy/` cannot rot: every container that runs
//! scanfit in every document of every manifest under `deploy/k8s/` is run through the
//! real binary's own parser, and what the Kubernetes objects say of each other (probes,
//! ports, the Service's selector, the autoscaler's target, the grace period) is checked
//! against the server.
//!
//! A container's command line is what Kubernetes would run: its `command`, or the
//! image's ENTRYPOINT from `deploy/Dockerfile`, then its `args` (`$(VAR)` expanded from
//! its `env`; a value only known in the cluster, such as a Job's completion index,
//! stands for 0). The binary checks it with `--help` added at the end: clap reads every
//! flag and value before it, refuses an unknown subcommand, flag or value, and prints
//! the help instead of running. So no list of flags is kept here.
#![cfg(all(feature = "cli", feature = "serve"))]

mod common;
mod server;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_json::Value;

const MANIFESTS: &str = "deploy/k8s";
const DOCKERFILE: &str = "deploy/Dockerfile";

/// One document of a manifest.
struct Doc {
    file: PathBuf,
    value: Value,
}

/// Every YAML document under `deploy/k8s/` (in subfolders too), empty ones left out.
fn documents() -> Vec<Doc> {
    let mut files = Vec::new();
    let mut folders = vec![PathBuf::from(MANIFESTS)];
    while let Some(folder) = folders.pop() {
        for entry in fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    let mut docs = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        for doc in serde_norway::Deserializer::from_str(&text) {
            let value = Value::deserialize(doc)
                .unwrap_or_else(|e| panic!("{}: not YAML: {e}", file.display()));
            if !value.is_null() {
                docs.push(Doc {
                    file: file.clone(),
                    value,
                });
            }
        }
    }
    docs
}

/// Every pod spec in `value` (a Deployment's template, a Job's, a CronJob's, a bare
/// Pod's): any object with a `containers` list.
fn pod_specs(value: &Value) -> Vec<&Value> {
    let mut found = Vec::new();
    match value {
        Value::Object(map) => {
            if map.get("containers").is_some_and(Value::is_array) {
                found.push(value);
            }
            for v in map.values() {
                found.extend(pod_specs(v));
            }
        }
        Value::Array(items) => items.iter().for_each(|v| found.extend(pod_specs(v))),
        _ => {}
    }
    found
}

/// A list of strings at `value`, or none.
fn strings(value: &Value) -> Option<Vec<String>> {
    value.as_array().map(|items| {
        items
            .iter()
            .map(|v| match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect()
    })
}

/// The image's ENTRYPOINT and CMD (exec form) of the Dockerfile's last stage.
fn image_entry() -> (Vec<String>, Vec<String>) {
    let text = fs::read_to_string(DOCKERFILE).unwrap();
    let last_stage = text.rsplit("\nFROM ").next().unwrap();
    let find = |word: &str| -> Option<Vec<String>> {
        let line = last_stage
            .lines()
            .rev()
            .find(|l| l.starts_with(&format!("{word} ")))?;
        let form = line[word.len()..].trim();
        Some(serde_json::from_str(form).unwrap_or_else(|_| {
            panic!("{DOCKERFILE}: {word} must be in exec form (a JSON list): {line}")
        }))
    };
    let entry = find("ENTRYPOINT").expect("the Dockerfile has an ENTRYPOINT");
    (entry, find("CMD").unwrap_or_default())
}

/// Kubernetes' expansion of `$(VAR)` in a command or argument: from the container's
/// literal `env` values; a variable set in the cluster stands for 0; `$$` is a `$`.
fn expand(text: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        if let Some(after) = rest.strip_prefix("$$") {
            out.push('$');
            rest = after;
        } else if let Some((name, after)) = rest.strip_prefix("$(").and_then(|r| r.split_once(')'))
        {
            out.push_str(env.get(name).map_or("0", String::as_str));
            rest = after;
        } else {
            out.push('$');
            rest = &rest[1..];
        }
    }
    out + rest
}

/// A container that runs scanfit, and the command line it runs.
struct Scanfit<'a> {
    place: String,
    pod: &'a Value,
    container: &'a Value,
    argv: Vec<String>,
}

/// Every container under `deploy/k8s/` whose image is scanfit's or whose command is
/// scanfit.
fn scanfit_containers(docs: &[Doc]) -> Vec<Scanfit<'_>> {
    let (entry, cmd) = image_entry();
    let mut found = Vec::new();
    for doc in docs {
        for pod in pod_specs(&doc.value) {
            let lists = ["initContainers", "containers"];
            for container in lists.iter().filter_map(|l| pod[l].as_array()).flatten() {
                let place = format!("{}: container {}", doc.file.display(), container["name"]);
                let image = container["image"].as_str().unwrap_or_default();
                let command = strings(&container["command"]);
                let is_scanfit = |argv0: &str| Path::new(argv0).ends_with("scanfit");
                let ours = image.contains("scanfit");
                if !ours
                    && !command
                        .as_ref()
                        .is_some_and(|c| c.first().is_some_and(|a| is_scanfit(a)))
                {
                    continue;
                }
                let env: BTreeMap<String, String> = container["env"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|e| {
                        Some((
                            e["name"].as_str()?.to_owned(),
                            e["value"].as_str()?.to_owned(),
                        ))
                    })
                    .collect();
                let args = strings(&container["args"]);
                let mut argv = match command {
                    Some(command) => [command, args.unwrap_or_default()].concat(),
                    None => [entry.clone(), args.unwrap_or_else(|| cmd.clone())].concat(),
                };
                argv = argv.iter().map(|a| expand(a, &env)).collect();
                assert!(
                    argv.first().is_some_and(|a| is_scanfit(a)),
                    "{place}: runs {argv:?}, not scanfit itself, so its flags cannot be checked"
                );
                found.push(Scanfit {
                    place,
                    pod,
                    container,
                    argv,
                });
            }
        }
    }
    found
}

/// What the binary says of `args` (its subcommand and flags) with `--help` added:
/// `Ok` if it takes them, else its error.
fn parses(args: &[String]) -> Result<(), String> {
    let at = args.iter().position(|a| a == "--").unwrap_or(args.len());
    let mut checked = args.to_vec();
    checked.insert(at, "--help".into());
    let out = Command::new(env!("CARGO_BIN_EXE_scanfit"))
        .args(&checked)
        .env_clear()
        .env("SCANFIT_LANG", "en")
        .output()
        .unwrap();
    if out.status.success() && !args.first().is_none_or(|a| a.starts_with('-')) {
        Ok(())
    } else {
        Err(format!(
            "{:?}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

/// The subcommand a command line runs (its first argument).
fn subcommand(argv: &[String]) -> &str {
    argv.get(1).map_or("", String::as_str)
}

/// The value of `--flag` in `argv` (`--flag V` or `--flag=V`).
fn flag<'a>(argv: &'a [String], name: &str) -> Option<&'a str> {
    argv.iter().enumerate().find_map(|(i, a)| {
        if a == name {
            argv.get(i + 1).map(String::as_str)
        } else {
            a.strip_prefix(name)?.strip_prefix('=')
        }
    })
}

#[test]
fn the_check_itself_refuses_what_the_binary_refuses() {
    let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(parses(&args(&["serve", "--jobs", "2", "--log-format", "json"])).is_ok());
    for wrong in [
        &["serve", "--no-such-flag"][..],
        &["serve", "--jobs", "two"],
        &["serve", "--log-format", "xml"],
        &["serve", "--max-input-size", "lots"],
        &["no-such-command"],
        &["--jobs", "2"],
    ] {
        assert!(parses(&args(wrong)).is_err(), "{wrong:?} passed");
    }
    let env = BTreeMap::from([("N".to_owned(), "4".to_owned())]);
    assert_eq!(
        expand("$(JOB_COMPLETION_INDEX)/$(N) $$(N) $x", &env),
        "0/4 $(N) $x"
    );
}

#[test]
fn every_scanfit_container_in_the_manifests_runs_flags_the_binary_takes() {
    let docs = documents();
    let containers = scanfit_containers(&docs);
    let subcommands: Vec<&str> = containers.iter().map(|c| subcommand(&c.argv)).collect();
    assert!(
        subcommands.contains(&"serve"),
        "no serve container under {MANIFESTS}"
    );
    for c in &containers {
        if let Err(e) = parses(&c.argv[1..]) {
            panic!("{}: {:?} is refused: {e}", c.place, c.argv);
        }
    }
}

/// The port a probe or Service names (by name or number) as a number, from the
/// container's ports.
fn port_number(port: &Value, container: &Value) -> Option<u64> {
    if let Some(n) = port.as_u64() {
        return Some(n);
    }
    container["ports"]
        .as_array()?
        .iter()
        .find(|p| p["name"] == *port)?["containerPort"]
        .as_u64()
}

#[test]
fn the_servers_probes_ports_and_grace_period_fit_the_server() {
    let docs = documents();
    let server = server::Server::start(&[]);
    let servers: Vec<_> = scanfit_containers(&docs)
        .into_iter()
        .filter(|c| subcommand(&c.argv) == "serve")
        .collect();
    assert!(!servers.is_empty());
    for c in &servers {
        let listens = flag(&c.argv, "--port")
            .map(|p| p.parse::<u64>().unwrap())
            .unwrap_or_else(|| panic!("{}: a server in a pod needs a fixed --port", c.place));
        for probe in ["readinessProbe", "livenessProbe"] {
            let get = &c.container[probe]["httpGet"];
            let path = get["path"]
                .as_str()
                .unwrap_or_else(|| panic!("{}: no {probe}", c.place));
            assert_eq!(
                port_number(&get["port"], c.container),
                Some(listens),
                "{}: {probe}",
                c.place
            );
            let answer = server::get(&server.url(path));
            assert_eq!(answer.status, 200, "{}: {probe} {path}", c.place);
        }
        assert_eq!(c.container["readinessProbe"]["httpGet"]["path"], "/readyz");
        // The kubelet kills what is still running at the end of the grace period.
        let secs = |name, default| flag(&c.argv, name).map_or(default, |v| v.parse().unwrap());
        let drain = secs("--drain-delay", 0) + secs("--drain-timeout", 30);
        let grace = c.pod["terminationGracePeriodSeconds"]
            .as_u64()
            .unwrap_or(30);
        assert!(
            grace > drain,
            "{}: grace period {grace} s, drain {drain} s",
            c.place
        );
        // Sized: the autoscaler's CPU utilisation is relative to the request.
        for (kind, resource) in [
            ("requests", "cpu"),
            ("requests", "memory"),
            ("limits", "memory"),
        ] {
            assert!(
                c.container["resources"][kind][resource].is_string(),
                "{}: no {kind}.{resource}",
                c.place
            );
        }
    }
}

/// The labels of the pod template of each workload.
fn templates(docs: &[Doc]) -> Vec<(&Value, &Value)> {
    docs.iter()
        .filter_map(|d| {
            let template = &d.value["spec"]["template"];
            template["spec"]["containers"]
                .is_array()
                .then_some((&d.value, template))
        })
        .collect()
}

#[test]
fn services_and_autoscalers_point_at_what_the_manifests_define() {
    let docs = documents();
    let of_kind = |kind: &'static str| docs.iter().filter(move |d| d.value["kind"] == kind);
    assert!(of_kind("Service").count() > 0 && of_kind("HorizontalPodAutoscaler").count() > 0);
    for service in of_kind("Service") {
        let selector = service.value["spec"]["selector"].as_object().unwrap();
        let pods: Vec<_> = templates(&docs)
            .into_iter()
            .filter(|(_, t)| {
                selector
                    .iter()
                    .all(|(k, v)| t["metadata"]["labels"][k] == *v)
            })
            .collect();
        assert!(
            !pods.is_empty(),
            "{}: selects no pods",
            service.file.display()
        );
        for port in service.value["spec"]["ports"].as_array().unwrap() {
            for (_, template) in &pods {
                let served = template["spec"]["containers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|c| port_number(&port["targetPort"], c).is_some());
                assert!(
                    served,
                    "{}: targetPort {} not a container port",
                    service.file.display(),
                    port["targetPort"]
                );
            }
        }
    }
    for hpa in of_kind("HorizontalPodAutoscaler") {
        let target = &hpa.value["spec"]["scaleTargetRef"];
        let found = templates(&docs).into_iter().any(|(workload, _)| {
            workload["kind"] == target["kind"] && workload["metadata"]["name"] == target["name"]
        });
        assert!(
            found,
            "{}: scales {target}, which no manifest defines",
            hpa.file.display()
        );
    }
}

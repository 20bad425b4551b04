//! A batch: walk the inputs, plan every output path up front (so collisions are settled
//! deterministically before any work starts), convert on the shared [`Runner`], write
//! atomically, and return one record per output in input order.
//!
//! Output paths mirror each input folder's tree directly under OUT; a file given on the
//! command line lands directly in OUT. Two inputs that would share an output name (same
//! folder, same stem, compared case-insensitively because outputs travel to Windows and
//! macOS) both get the source extension appended to their stem: `a.png` → `a_png.jpg`,
//! `a.jpg` → `a_jpg.jpg`; any remaining tie gets `_2`, `_3`... in input order.
//!
//! A shard of a sharded run ([`crate::shard`]) plans the whole run the same way and
//! keeps its [`Share`]: names are settled over every input, so they agree across shards.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fs;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use crate::error::{OutputWhy, Problem, SetupError, Skip, Why};
use crate::options::Options;
use crate::pipeline::{convert_bytes, Converted, OutputFormat};
use crate::report::Record;
use crate::run::{Done, Panicked, Progress, Runner};
use crate::shard::{self, fmix64, fnv1a64, Shard};
use crate::sniff::claimed_by_name;
use crate::write::{write_atomic, WriteMode};

/// One input and where its output goes (without the extension, decided by the encoder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// The input file.
    pub input: PathBuf,
    /// The output path without extension.
    pub output_stem: PathBuf,
    /// Input size.
    pub bytes: u64,
}

/// The plan: what to convert, and what was settled without converting.
#[derive(Debug, Default)]
pub struct Plan {
    /// Inputs to convert, in walk order.
    pub jobs: Vec<Job>,
    /// Records for entries passed over while walking (links to folders...) and inputs
    /// refused because their output would replace an input.
    pub skipped: Vec<Record>,
    /// Each job's shard key ([`shard::key`]), beside `jobs`.
    keys: Vec<Vec<u8>>,
    /// Each skipped entry's shard key, beside `skipped`; `None` for an entry the walk
    /// passed over (a link to a folder, a FIFO, an unreadable folder), which shard 0
    /// reports: it has no file to hash and costs nothing.
    skipped_keys: Vec<Option<Vec<u8>>>,
}

/// One shard's part of a whole run's [`Plan`], and where its items stand in the run.
#[derive(Debug)]
pub struct Share {
    /// The shard's jobs and skipped entries, in the whole plan's order.
    pub plan: Plan,
    /// The position in the whole run of each job of `plan` (jobs first, then skipped
    /// entries, as an unsharded run reports them).
    pub jobs_at: Vec<u64>,
    /// The position in the whole run of each skipped entry of `plan`.
    pub skipped_at: Vec<u64>,
    /// Jobs and skipped entries in the whole run.
    pub total: u64,
}

impl Plan {
    /// The part of this plan `shard` owns. The plan is the whole run's, so output
    /// names (settled in [`plan`] over every input) are the same in every shard.
    pub fn share(self, shard: Shard) -> Share {
        let jobs_total = self.jobs.len() as u64;
        let total = jobs_total + self.skipped.len() as u64;
        let mut share = Share {
            plan: Plan::default(),
            jobs_at: Vec::new(),
            skipped_at: Vec::new(),
            total,
        };
        for (at, (job, key)) in self.jobs.into_iter().zip(self.keys).enumerate() {
            if shard.owns(&key) {
                share.plan.jobs.push(job);
                share.plan.keys.push(key);
                share.jobs_at.push(at as u64);
            }
        }
        let skipped = self.skipped.into_iter().zip(self.skipped_keys);
        for (at, (record, key)) in skipped.enumerate() {
            let owned = match &key {
                Some(key) => shard.owns(key),
                None => shard.index == 0,
            };
            if owned {
                share.plan.skipped.push(record);
                share.plan.skipped_keys.push(key);
                share.skipped_at.push(jobs_total + at as u64);
            }
        }
        share
    }
}

/// Walks `inputs` and plans an output path for each file found.
///
/// `out` must exist (it is compared by identity to skip it when it lies inside an input).
pub fn plan(inputs: &[PathBuf], out: &Path) -> Result<Plan, SetupError> {
    let mut plan = Plan::default();
    let mut passed = Vec::new();
    let found: Vec<(PathBuf, PathBuf, u64)> = find_files(inputs, Some(out), &mut passed)?
        .into_iter()
        .map(|f| (f.path, f.rel_dir, f.bytes))
        .collect();
    plan.skipped = passed
        .into_iter()
        .map(|(path, why)| Record::passed_over(path, why))
        .collect();
    plan.skipped_keys = vec![None; plan.skipped.len()];

    let input_files: HashSet<PathBuf> = found
        .iter()
        .filter_map(|(p, _, _)| fs::canonicalize(p).ok())
        .collect();

    // Settle name collisions: group by (folder, lowercased stem).
    let key = |input: &Path, rel: &Path| -> (PathBuf, String) {
        let stem = input
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .to_lowercase();
        (rel.to_path_buf(), stem)
    };
    let mut groups: HashMap<(PathBuf, String), usize> = HashMap::new();
    for (input, rel, _) in &found {
        *groups.entry(key(input, rel)).or_default() += 1;
    }
    let mut taken: HashMap<(PathBuf, String), usize> = HashMap::new();
    for (input, rel, bytes) in found {
        let stem: OsString = input.file_stem().unwrap_or_default().to_owned();
        let mut name = stem.clone();
        if groups[&key(&input, &rel)] > 1 {
            if let Some(ext) = input.extension() {
                name.push("_");
                name.push(ext.to_ascii_lowercase());
            }
        }
        let lower = (rel.clone(), name.to_string_lossy().to_lowercase());
        let n = taken.entry(lower).or_default();
        *n += 1;
        if *n > 1 {
            name.push(format!("_{n}"));
        }
        let output_stem = out.join(&rel).join(name);
        let key = shard::key(&rel.join(input.file_name().unwrap_or_default()));
        let refused = match linked_folder(out, &rel) {
            Some(path) => Some(Problem::OutputFolderIsLink { path }),
            None => replaced_input(&output_stem, &input_files)
                .map(|path| Problem::WouldOverwriteInput { path }),
        };
        if let Some(problem) = refused {
            plan.skipped.push(Record::failed(input, 0, problem));
            plan.skipped_keys.push(Some(key));
            continue;
        }
        plan.jobs.push(Job {
            output_stem,
            input,
            bytes,
        });
        plan.keys.push(key);
    }
    Ok(plan)
}

/// A file found by [`find_files`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    /// The file.
    pub path: PathBuf,
    /// Its folder relative to the input folder it was found in (empty for files named
    /// on the command line).
    pub rel_dir: PathBuf,
    /// Its size when listed.
    pub bytes: u64,
}

/// Lists the files `inputs` name, walking folders recursively (sorted by name, hidden
/// entries and links to folders passed over, with the reason in `passed` for each entry
/// worth mentioning). Every command shares it so all see the same files.
///
/// `out`, when given, is left out of the walk when it lies inside an input folder, and
/// refused when it *is* an input folder.
pub fn find_files(
    inputs: &[PathBuf],
    out: Option<&Path>,
    passed: &mut Vec<(PathBuf, Why)>,
) -> Result<Vec<Found>, SetupError> {
    let out_canon = out.and_then(|o| fs::canonicalize(o).ok());
    let mut found: Vec<(PathBuf, PathBuf, u64)> = Vec::new(); // (input, relative dir, size)
    for input in inputs {
        let meta = fs::metadata(input).map_err(|source| SetupError::Input {
            path: input.clone(),
            source,
        })?;
        if meta.is_dir() {
            if let (Some(out), Some(canon)) = (out, &out_canon) {
                if fs::canonicalize(input).ok().as_ref() == Some(canon) {
                    return Err(SetupError::Output {
                        path: out.to_path_buf(),
                        why: OutputWhy::IsInput,
                    });
                }
            }
            walk(
                input,
                Path::new(""),
                out_canon.as_deref(),
                &mut found,
                passed,
            );
        } else if meta.is_file() {
            found.push((input.clone(), PathBuf::new(), meta.len()));
        } else {
            // Opening a FIFO blocks until a writer appears: never open one.
            passed.push((input.clone(), Skip::NotAFile.into()));
        }
    }
    Ok(found
        .into_iter()
        .map(|(path, rel_dir, bytes)| Found {
            path,
            rel_dir,
            bytes,
        })
        .collect())
}

/// The first folder between `out` and `out/rel` that exists as a symbolic link, if any.
/// Output folders are created as real folders under OUT, so a link there was put by
/// someone else and writing through it would put outputs outside OUT. (`rel` is built
/// from directory entry names, so it holds no `..`.)
fn linked_folder(out: &Path, rel: &Path) -> Option<PathBuf> {
    let mut dir = out.to_path_buf();
    for part in rel.components() {
        dir.push(part);
        match fs::symlink_metadata(&dir) {
            Ok(m) if m.file_type().is_symlink() => return Some(dir),
            Ok(_) => {}
            // Not there yet: it will be created as a real folder.
            Err(_) => return None,
        }
    }
    None
}

/// The input an output named `stem`.jpg or `stem`.png would replace, if any (possible
/// when an input file given on the command line lies inside OUT).
fn replaced_input(stem: &Path, inputs: &HashSet<PathBuf>) -> Option<PathBuf> {
    let parent = fs::canonicalize(stem.parent()?).ok()?;
    [OutputFormat::Jpeg, OutputFormat::Png]
        .into_iter()
        .find_map(|f| {
            let candidate = with_extension(stem, f.extension());
            let canon = parent.join(candidate.file_name()?);
            inputs.contains(&canon).then_some(candidate)
        })
}

/// Recursively lists files under `dir`, sorted by name, skipping hidden entries, OUT,
/// and links to folders (which could loop or lead outside the input).
fn walk(
    dir: &Path,
    rel: &Path,
    out: Option<&Path>,
    found: &mut Vec<(PathBuf, PathBuf, u64)>,
    passed: &mut Vec<(PathBuf, Why)>,
) {
    let entries = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            passed.push((dir.to_path_buf(), Problem::ReadFolder(e).into()));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        let target = if file_type.is_symlink() {
            fs::metadata(&path)
        } else {
            entry.metadata()
        };
        let Ok(meta) = target else {
            passed.push((path, Skip::BrokenLink.into()));
            continue;
        };
        if meta.is_dir() {
            if file_type.is_symlink() {
                passed.push((path, Skip::LinkToFolder.into()));
                continue;
            }
            if out.is_some() && fs::canonicalize(&path).ok().as_deref() == out {
                continue;
            }
            walk(&path, &rel.join(&name), out, found, passed);
        } else if meta.is_file() {
            found.push((path, rel.to_path_buf(), meta.len()));
        } else {
            // A FIFO, socket or device: opening a FIFO blocks until something writes
            // to it, and a device may never end.
            passed.push((path, Skip::NotAFile.into()));
        }
    }
}

/// Converts every job on `runner` and returns one record per output, in plan order,
/// followed by the plan's skipped entries.
pub fn run(plan: Plan, opts: &Options, runner: &Runner, progress: &dyn Progress) -> Vec<Record> {
    let mut records: Vec<Record> = run_jobs(&plan.jobs, opts, runner, progress)
        .into_iter()
        .flatten()
        .collect();
    records.extend(plan.skipped);
    records
}

/// Converts a shard's jobs on `runner`: [`run`], with each record's position in the
/// whole run beside it (all pages of one input share their input's position).
pub fn run_share(
    share: Share,
    opts: &Options,
    runner: &Runner,
    progress: &dyn Progress,
) -> (Vec<Record>, Vec<u64>) {
    let per_job = run_jobs(&share.plan.jobs, opts, runner, progress);
    let mut records = Vec::new();
    let mut at = Vec::new();
    for (job_records, &job_at) in per_job.into_iter().zip(&share.jobs_at) {
        at.extend(std::iter::repeat_n(job_at, job_records.len()));
        records.extend(job_records);
    }
    records.extend(share.plan.skipped);
    at.extend(&share.skipped_at);
    (records, at)
}

/// Each job's records, in job order.
fn run_jobs(
    jobs: &[Job],
    opts: &Options,
    runner: &Runner,
    progress: &dyn Progress,
) -> Vec<Vec<Record>> {
    let total: u64 = jobs.iter().map(|j| j.bytes).sum();
    progress.start(jobs.len() as u64, total);
    runner.map(
        jobs,
        |job| convert_job(job, opts, false),
        |job, done| {
            let records = finish_job(job, done);
            for r in &records {
                progress.record(r);
            }
            records
        },
    )
}

/// Converts one job into one record per output (one per page for multi-page files),
/// on the caller's thread; `durable` outputs (file and folder fsynced before it
/// returns) are what `watch` needs before it records an input as done or moves the
/// original away. Run it through a [`Runner`], which catches a codec's panic
/// ([`finish_job`] turns that into the job's failure).
pub fn convert_job(job: &Job, opts: &Options, durable: bool) -> Vec<Record> {
    convert_into(job, opts, durable)
        .unwrap_or_else(|problem| vec![Record::failed(job.input.clone(), job.bytes, problem)])
}

/// A job's records with its wall time, or its failure when it panicked.
pub fn finish_job(job: &Job, done: Done<Vec<Record>>) -> Vec<Record> {
    let millis = done.millis;
    let mut records = done.or_else(|Panicked(text)| {
        vec![Record::failed(
            job.input.clone(),
            job.bytes,
            Problem::Panic(text),
        )]
    });
    for r in &mut records {
        r.millis = millis;
    }
    records
}

fn convert_into(job: &Job, opts: &Options, durable: bool) -> Result<Vec<Record>, Problem> {
    let exists = |output: PathBuf| {
        Record::skipped(job.input.clone(), job.bytes, Skip::OutputExists).with_output(Some(output))
    };
    if !opts.overwrite {
        // Cheap check before reading: a re-run skips what it already did.
        for ext in [OutputFormat::Jpeg, OutputFormat::Png] {
            let existing = with_extension(&job.output_stem, ext.extension());
            if existing.exists() {
                return Ok(vec![exists(existing)]);
            }
        }
    }
    let bytes = read_input(&job.input, opts.max_input_bytes)?;
    let claimed = claimed_by_name(&job.input);
    let Some(source) = convert_bytes(&bytes, claimed, opts)? else {
        return Ok(vec![Record::skipped(
            job.input.clone(),
            job.bytes,
            Skip::NotAPicture,
        )]);
    };
    drop(bytes);
    let records = source.pictures.into_iter().map(|picture| {
        let page = picture.page;
        let record = match picture.result {
            Ok(converted) => match write_output(job, page, &converted, opts, durable) {
                Ok(output) => Record::wrote(job.input.clone(), job.bytes, output, &converted),
                Err(Problem::Write { path, source })
                    if source.kind() == ErrorKind::AlreadyExists =>
                {
                    exists(path)
                }
                Err(problem) => Record::failed(job.input.clone(), job.bytes, problem),
            },
            Err(problem) => Record::failed(job.input.clone(), job.bytes, problem),
        };
        record.of_source(source.format, page)
    });
    Ok(records.collect())
}

/// Writes one converted picture (unless this is a dry run) and returns its path.
fn write_output(
    job: &Job,
    page: Option<u32>,
    converted: &Converted,
    opts: &Options,
    durable: bool,
) -> Result<PathBuf, Problem> {
    let mut stem = job.output_stem.clone().into_os_string();
    if let Some(n) = page {
        stem.push(format!("_p{n}"));
    }
    let output = with_extension(Path::new(&stem), converted.format.extension());
    if !opts.dry_run {
        let mode = WriteMode {
            overwrite: opts.overwrite,
            durable,
        };
        write_atomic(&output, &converted.bytes, mode).map_err(|source| Problem::Write {
            path: output.clone(),
            source,
        })?;
    }
    Ok(output)
}

/// `stem` + "." + `ext`, keeping any dots already in the stem (`v1.2` → `v1.2.jpg`).
fn with_extension(stem: &Path, ext: &str) -> PathBuf {
    let mut s = stem.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

/// Reads an input whole, refusing files over the limit before reading them.
///
/// The file may have changed since it was listed (a scanner still writing, a user
/// deleting or replacing it): a file replaced by a FIFO is refused without blocking,
/// and one whose size changes while it is read is refused rather than converted from
/// half its bytes.
pub fn read_input(path: &Path, max: u64) -> Result<Vec<u8>, Problem> {
    let file = open_nonblocking(path).map_err(Problem::Read)?;
    let meta = file.metadata().map_err(Problem::Read)?;
    if !meta.is_file() {
        return Err(Problem::NotAFile);
    }
    let len = meta.len();
    if len > max {
        return Err(Problem::TooLarge { bytes: len, max });
    }
    let mut bytes = Vec::with_capacity(len as usize);
    // `take` guards against a file that grows while it is read.
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(Problem::Read)?;
    if bytes.len() as u64 > max {
        return Err(Problem::TooLarge {
            bytes: bytes.len() as u64,
            max,
        });
    }
    if bytes.len() as u64 != len {
        return Err(Problem::ChangedWhileRead {
            opened: len,
            read: bytes.len() as u64,
        });
    }
    Ok(bytes)
}

/// Opens for reading without blocking on a FIFO (`O_NONBLOCK` does not affect reads
/// from regular files, the only kind read afterwards).
#[cfg(unix)]
fn open_nonblocking(path: &Path) -> std::io::Result<fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
}

#[cfg(not(unix))]
fn open_nonblocking(path: &Path) -> std::io::Result<fs::File> {
    fs::File::open(path)
}

/// The run's fingerprint (16 hex digits): the same in every shard of one run, different
/// when the shards saw other inputs, another OUT, other options or another N. Parallelism
/// (`jobs`) is left out: it changes no output.
pub fn fingerprint(plan: &Plan, out: &Path, opts: &Options, count: u32) -> String {
    let mut text = Vec::new();
    let mut field = |bytes: &[u8]| {
        text.extend_from_slice(bytes);
        text.push(0);
    };
    field(out.to_string_lossy().as_bytes());
    field(opts.profile.to_toml().as_bytes());
    let flags = format!(
        "overwrite={} dry_run={} max_pixels={} max_input_bytes={} shards={count}",
        opts.overwrite, opts.dry_run, opts.max_pixels, opts.max_input_bytes
    );
    field(flags.as_bytes());
    for job in &plan.jobs {
        field(job.input.to_string_lossy().as_bytes());
        field(job.output_stem.to_string_lossy().as_bytes());
    }
    for record in &plan.skipped {
        field(record.subject.input.to_string_lossy().as_bytes());
    }
    format!("{:016x}", fmix64(fnv1a64(&text)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collisions_get_distinct_documented_names() {
        let dir = tempfile::tempdir().unwrap();
        let inp = dir.path().join("in");
        fs::create_dir_all(inp.join("子")).unwrap();
        for n in [
            "a.png",
            "a.jpg",
            "A.PNG",
            "b.jpg",
            "子/a.png",
            ".hidden.jpg",
        ] {
            fs::write(inp.join(n), b"x").unwrap();
        }
        let out = dir.path().join("out");
        fs::create_dir_all(&out).unwrap();
        let plan = plan(std::slice::from_ref(&inp), &out).unwrap();
        let names: Vec<String> = plan
            .jobs
            .iter()
            .map(|j| {
                j.output_stem
                    .strip_prefix(&out)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect();
        assert_eq!(names, ["A_png", "a_jpg", "a_png_2", "b", "子/a"]);
    }

    #[test]
    fn out_inside_input_is_not_walked_and_out_equal_input_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let inp = dir.path().to_path_buf();
        fs::write(inp.join("a.jpg"), b"x").unwrap();
        let out = inp.join("out");
        fs::create_dir_all(&out).unwrap();
        fs::write(out.join("a.jpg"), b"x").unwrap();
        let plan = plan(std::slice::from_ref(&inp), &out).unwrap();
        assert_eq!(plan.jobs.len(), 1);
        assert!(super::plan(std::slice::from_ref(&inp), &inp).is_err());
    }
}

//! A batch: walk the inputs, plan every output path up front (so collisions are settled
//! deterministically before any work starts), convert in parallel with rayon, write
//! atomically, and return one record per input in input order.
//!
//! Output paths mirror each input folder's tree directly under OUT; a file given on the
//! command line lands directly in OUT. Two inputs that would share an output name (same
//! folder, same stem, compared case-insensitively because outputs travel to Windows and
//! macOS) both get the source extension appended to their stem: `a.png` → `a_png.jpg`,
//! `a.jpg` → `a_jpg.jpg`; any remaining tie gets `_2`, `_3`... in input order.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fs;
use std::io::Read;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;

use crate::encode::panic_text;
use crate::error::{Problem, SetupError};
use crate::options::Options;
use crate::pipeline::{convert_bytes, OutputFormat};
use crate::report::{Record, Status};
use crate::sniff::{name_claims_picture, Format};
use crate::write::{write_atomic, WriteMode};

/// Receives progress as files finish (the CLI draws a bar; tests pass [`NoProgress`]).
pub trait Progress: Sync {
    /// Called once, before work starts, with the number of inputs and their total size.
    fn start(&self, _files: u64, _bytes: u64) {}
    /// Called as each input finishes, from worker threads.
    fn done(&self, _record: &Record) {}
}

/// Progress that goes nowhere.
pub struct NoProgress;
impl Progress for NoProgress {}

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
}

/// Walks `inputs` and plans an output path for each file found.
///
/// `out` must exist (it is compared by identity to skip it when it lies inside an input).
pub fn plan(inputs: &[PathBuf], out: &Path) -> Result<Plan, SetupError> {
    let out_canon = fs::canonicalize(out).ok();
    let mut found: Vec<(PathBuf, PathBuf, u64)> = Vec::new(); // (input, relative dir, size)
    let mut plan = Plan::default();
    for input in inputs {
        let meta = fs::metadata(input).map_err(|source| SetupError::Input {
            path: input.clone(),
            source,
        })?;
        if meta.is_dir() {
            if out_canon.is_some() && fs::canonicalize(input).ok() == out_canon {
                return Err(SetupError::Output {
                    path: out.to_path_buf(),
                    why: "it is also an input folder; outputs would be mixed with inputs".into(),
                });
            }
            walk(
                input,
                Path::new(""),
                out_canon.as_deref(),
                &mut found,
                &mut plan.skipped,
            );
        } else {
            found.push((input.clone(), PathBuf::new(), meta.len()));
        }
    }

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
        if let Some(path) = replaced_input(&output_stem, &input_files) {
            let mut r = Record::new(input, Status::Failed);
            r.error = Some(Problem::WouldOverwriteInput { path }.to_string());
            plan.skipped.push(r);
            continue;
        }
        plan.jobs.push(Job {
            output_stem,
            input,
            bytes,
        });
    }
    Ok(plan)
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
    skipped: &mut Vec<Record>,
) {
    let entries = match fs::read_dir(dir) {
        Ok(rd) => rd,
        Err(e) => {
            let mut r = Record::new(dir.to_path_buf(), Status::Failed);
            r.error = Some(format!("cannot read folder: {e}"));
            skipped.push(r);
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
            let mut r = Record::new(path, Status::Skipped);
            r.error = Some("broken link".into());
            skipped.push(r);
            continue;
        };
        if meta.is_dir() {
            if file_type.is_symlink() {
                let mut r = Record::new(path, Status::Skipped);
                r.error = Some("link to a folder: not followed".into());
                skipped.push(r);
                continue;
            }
            if out.is_some() && fs::canonicalize(&path).ok().as_deref() == out {
                continue;
            }
            walk(&path, &rel.join(&name), out, found, skipped);
        } else if meta.is_file() {
            found.push((path, rel.to_path_buf(), meta.len()));
        }
    }
}

/// Converts every job in parallel (on `opts.jobs` threads) and returns one record per
/// job, in plan order, followed by the plan's skipped entries.
pub fn run(plan: Plan, opts: &Options, progress: &dyn Progress) -> Vec<Record> {
    let total: u64 = plan.jobs.iter().map(|j| j.bytes).sum();
    progress.start(plan.jobs.len() as u64, total);
    let work = |job: &Job| {
        let r = convert_job(job, opts);
        progress.done(&r);
        r
    };
    let mut records: Vec<Record> = if opts.jobs <= 1 {
        plan.jobs.iter().map(work).collect()
    } else {
        match rayon::ThreadPoolBuilder::new()
            .num_threads(opts.jobs)
            .build()
        {
            // One file per task: files differ in cost by 100×, so rayon's default
            // splitting would leave a core idle behind a big scan.
            Ok(pool) => pool.install(|| plan.jobs.par_iter().with_max_len(1).map(work).collect()),
            Err(_) => plan.jobs.iter().map(work).collect(),
        }
    };
    records.extend(plan.skipped);
    records
}

/// Converts one job, never panicking: a panic in a codec becomes a failed record.
pub fn convert_job(job: &Job, opts: &Options) -> Record {
    let started = Instant::now();
    let mut record = Record::new(job.input.clone(), Status::Failed);
    record.bytes_in = job.bytes;
    let result = catch_unwind(AssertUnwindSafe(|| convert_into(job, opts, &mut record)))
        .unwrap_or_else(|payload| Err(Problem::Panic(panic_text(payload.as_ref()))));
    if let Err(problem) = result {
        record.status = Status::Failed;
        record.error = Some(problem.to_string());
    }
    record.millis = started.elapsed().as_millis() as u64;
    record
}

fn convert_into(job: &Job, opts: &Options, record: &mut Record) -> Result<(), Problem> {
    let claims_picture = name_claims_picture(&job.input);
    if !opts.overwrite {
        for ext in [OutputFormat::Jpeg, OutputFormat::Png] {
            let existing = with_extension(&job.output_stem, ext.extension());
            if existing.exists() {
                record.status = Status::Skipped;
                record.output = Some(existing);
                record.error = Some("output already exists (--overwrite replaces it)".into());
                return Ok(());
            }
        }
    }
    let bytes = read_input(&job.input, opts.max_input_bytes)?;
    record.bytes_in = bytes.len() as u64;
    let claimed = claimed_format(&job.input);
    let Some((identified, converted)) = convert_bytes(&bytes, claimed, claims_picture, opts)?
    else {
        record.status = Status::Skipped;
        record.error = Some("not a picture".into());
        return Ok(());
    };
    drop(bytes);
    record.format = Some(identified.format);
    record.metadata_removed = Some(identified.metadata);
    let output = with_extension(&job.output_stem, converted.format.extension());
    if !opts.dry_run {
        write_atomic(
            &output,
            &converted.bytes,
            WriteMode {
                overwrite: opts.overwrite,
                durable: false,
            },
        )
        .map_err(|source| Problem::Write {
            path: output.clone(),
            source,
        })?;
    }
    record.output = Some(output);
    record.output_format = Some(converted.format);
    record.method = Some(converted.method);
    record.width_in = Some(converted.width_in);
    record.height_in = Some(converted.height_in);
    record.width_out = Some(converted.width);
    record.height_out = Some(converted.height);
    record.bytes_out = Some(converted.bytes.len() as u64);
    record.quality = converted.quality;
    record.encodes = converted.encodes;
    record.probes = converted.probes;
    record.scale = Some(converted.scale);
    record.status = if converted.warnings.is_empty() {
        Status::Ok
    } else {
        Status::Warn
    };
    record.warnings = converted.warnings;
    Ok(())
}

/// `stem` + "." + `ext`, keeping any dots already in the stem (`v1.2` → `v1.2.jpg`).
fn with_extension(stem: &Path, ext: &str) -> PathBuf {
    let mut s = stem.as_os_str().to_owned();
    s.push(".");
    s.push(ext);
    PathBuf::from(s)
}

/// The format a file's extension claims, to flag renamed files.
fn claimed_format(path: &Path) -> Option<Format> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    Some(match ext.as_str() {
        "jpg" | "jpeg" | "jpe" | "jfif" => Format::Jpeg,
        "png" => Format::Png,
        "gif" => Format::Gif,
        "bmp" | "dib" => Format::Bmp,
        "webp" => Format::Webp,
        "tif" | "tiff" => Format::Tiff,
        "heic" | "heif" | "hif" => Format::Heic,
        "avif" => Format::Avif,
        "pdf" => Format::Pdf,
        _ => return None,
    })
}

/// Reads an input whole, refusing files over the limit before reading them.
fn read_input(path: &Path, max: u64) -> Result<Vec<u8>, Problem> {
    let file = fs::File::open(path).map_err(Problem::Read)?;
    let len = file.metadata().map_err(Problem::Read)?.len();
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
    Ok(bytes)
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

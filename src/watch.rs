//! `scanfit watch`: sit behind a scanner's output folder (or a shared folder) for days and
//! convert every picture that appears in it, with the same per-file pipeline as
//! `convert` ([`batch::convert_job`]) on the shared [`Runner`]; this module only decides *when* a file is
//! ready and *that* it is done exactly once.
//!
//! - **Never read a half-written file.** A file is read when its size and mtime have stayed
//!   unchanged for the settle time, or sooner when the OS said the writer is finished (a
//!   close-after-write or a rename into place, as inotify reports them) *and* the file's
//!   last bytes end the format (JPEG EOI, PNG IEND...). A read that fails to decode before
//!   the settle time has passed is retried, not reported: only a file that stayed
//!   unchanged past the settle time can fail.
//! - **Exactly once per content version, across crashes.** A journal under OUT
//!   ([`JOURNAL_NAME`], hidden, so never taken for input) gets one line per input
//!   version (path relative to IN, size, mtime), appended and fsynced only after the
//!   output is durably on disk (file and folder fsynced). A kill -9 before the line lands
//!   means the input is looked at again on restart, where its output is found on disk and
//!   recorded as done ("output already exists"), so nothing is converted twice and
//!   nothing is lost.
//! - **A new version replaces its own output.** An input saved again under the same name
//!   (new size or mtime) is converted again into the output the journal says it had:
//!   that is the one case where watch replaces an existing file. An output the journal
//!   does not know (an earlier `convert` run, a file put there by hand) is never replaced.
//! - **Originals** are moved or deleted only after the output is durable, only when every
//!   page converted, and only when the input did not change while it was converted.

use std::collections::HashMap;
use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{Event, EventKind, PollWatcher, RecursiveMode, Watcher};

use crate::batch::{self, Job};
use crate::error::{OriginalError, OutputWhy, SetupError, Why};
use crate::options::Options;
use crate::report::{Record, Status, Summary};
use crate::run::{Done, Runner};
use crate::write::TEMP_PREFIX;

/// Default time a file's size and mtime must stay unchanged before it is read.
pub const DEFAULT_SETTLE: Duration = Duration::from_millis(1500);

/// Name of the journal, directly under OUT. Hidden, so no walk takes it for an input.
pub const JOURNAL_NAME: &str = ".scanfit-journal.jsonl";

/// How often pending files are looked at again. Short enough that the wait after a
/// close event is not noticeable, long enough that hundreds of pending files cost
/// nothing (one `stat` each).
const TICK: Duration = Duration::from_millis(100);
/// How often the whole input is walked again in case an event was missed.
const RESCAN: Duration = Duration::from_secs(5);

/// What happens to an input once its output is durably written.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Originals {
    /// Leave it where it is (default).
    #[default]
    Keep,
    /// Move it into this folder, keeping its path relative to IN.
    Move(PathBuf),
    /// Delete it.
    Delete,
}

/// As `--originals` takes it: `keep`, `delete`, `move:DIR`.
impl std::fmt::Display for Originals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Originals::Keep => f.write_str("keep"),
            Originals::Delete => f.write_str("delete"),
            Originals::Move(dir) => write!(f, "move:{}", dir.display()),
        }
    }
}

/// An `--originals` value that is not `keep`, `delete` or `move:DIR` (the text given).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct BadOriginals(pub String);

impl FromStr for Originals {
    type Err = BadOriginals;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "keep" => Ok(Originals::Keep),
            "delete" => Ok(Originals::Delete),
            _ => match s.strip_prefix("move:") {
                Some(dir) if !dir.is_empty() => Ok(Originals::Move(PathBuf::from(dir))),
                _ => Err(BadOriginals(s.to_owned())),
            },
        }
    }
}

/// Settings of a watch.
#[derive(Debug, Clone)]
pub struct WatchOptions {
    /// The conversion settings, as for `convert` (`overwrite` and `dry_run` are ignored:
    /// watch decides replacement itself, see the module docs).
    pub convert: Options,
    /// How long a file's size and mtime must stay unchanged before it is read when the OS
    /// gave no sign that the writer is done. Default 1.5 s.
    pub settle: Duration,
    /// Poll the folder at this interval instead of using file events (for network shares,
    /// where events don't arrive). Default `None`: events.
    pub poll: Option<Duration>,
    /// What to do with inputs once converted. Default [`Originals::Keep`].
    pub originals: Originals,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            convert: Options::default(),
            settle: DEFAULT_SETTLE,
            poll: None,
            originals: Originals::Keep,
        }
    }
}

/// Why a watch could not start or had to stop.
#[derive(Debug, thiserror::Error)]
pub enum WatchError {
    /// The profile is inconsistent, IN is unreadable, or OUT is unusable.
    Setup(#[from] SetupError),
    /// IN is not a folder.
    NotAFolder {
        /// The input given.
        path: PathBuf,
    },
    /// The OS refused to deliver events for IN (on Linux: too few inotify watches).
    Watch {
        /// The folder.
        path: PathBuf,
        /// The cause.
        #[source]
        source: notify::Error,
    },
    /// The journal cannot be read or written: without it a restart would redo or lose
    /// work, so the watch stops.
    Journal {
        /// The journal file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// The folder for `--originals move:DIR` is unusable.
    OriginalsFolder {
        /// The folder.
        path: PathBuf,
        /// What is wrong with it.
        why: OriginalsWhy,
    },
}

/// What is wrong with the folder originals are moved to.
#[derive(Debug)]
pub enum OriginalsWhy {
    /// It cannot be created: the system's cause, worded per language.
    Create(io::Error),
    /// It contains the watched folder, so moved originals would come back as inputs.
    ContainsInput,
}

/// Something a watch says that belongs to no conversion result.
#[derive(Debug)]
pub enum Notice {
    /// The OS reported an error about file events; its words.
    Event(String),
    /// An entry the folder walk passed over.
    PassedOver {
        /// The entry.
        path: PathBuf,
        /// Why.
        why: Why,
    },
    /// A folder that appeared could not be walked.
    Setup(SetupError),
    /// An original could not be moved or deleted (its output is written).
    Original(OriginalError),
}

/// Receives what a watch does, from the watching thread (the CLI prints it).
pub trait Observer {
    /// The watch is set up; `pending` files found on start wait to be converted.
    fn watching(&mut self, _root: &Path, _pending: usize) {}
    /// One input is finished (one record per output page), with the totals so far.
    fn finished(&mut self, _records: &[Record], _totals: &Summary) {}
    /// Something that belongs to no conversion result: an event error, an original that
    /// could not be moved, an entry passed over.
    fn notice(&mut self, _notice: &Notice) {}
}

/// An observer that ignores everything.
pub(crate) struct Silent;
impl Observer for Silent {}

/// Whether a file or folder name is a temporary or hidden one that is never an input:
/// dot files (`.DS_Store`, editors' swap files, our own temporaries), Office lock files
/// (`~$x.docx`) and the partial downloads of browsers and transfer tools.
pub(crate) fn is_ignored(name: &OsStr) -> bool {
    let name = name.to_string_lossy();
    let lower = name.to_lowercase();
    name.starts_with('.')
        || name.starts_with("~$")
        || [
            ".part",
            ".tmp",
            ".crdownload",
            ".partial",
            ".filepart",
            ".download",
        ]
        .iter()
        .any(|suffix| lower.ends_with(suffix))
}

/// Follows `input` and converts into `out` until `stop` is set, then waits for the
/// conversions under way (so no file is left half-written) and returns the totals.
pub fn watch(
    input: &Path,
    out: &Path,
    opts: &WatchOptions,
    stop: &Arc<AtomicBool>,
    observer: &mut dyn Observer,
) -> Result<Summary, WatchError> {
    let Folders {
        root,
        out_canon,
        move_canon,
    } = folders(input, out, opts)?;
    remove_stale_temporaries(&out_canon);
    let journal_path = out.join(JOURNAL_NAME);
    let journal = Journal::open(&journal_path).map_err(|source| WatchError::Journal {
        path: journal_path.clone(),
        source,
    })?;

    let (tx, rx) = mpsc::channel::<Msg>();
    let events = tx.clone();
    let handler = move |res: notify::Result<Event>| {
        // The receiver only goes away when the watch is over.
        let _ = events.send(Msg::Fs(res));
    };
    let watch_err = |source| WatchError::Watch {
        path: input.to_path_buf(),
        source,
    };
    // Kept alive for the whole loop: dropping it stops the events.
    let mut watcher: Box<dyn Watcher> = match opts.poll {
        Some(interval) => Box::new(
            PollWatcher::new(
                handler,
                notify::Config::default().with_poll_interval(interval),
            )
            .map_err(watch_err)?,
        ),
        None => Box::new(notify::recommended_watcher(handler).map_err(watch_err)?),
    };
    // Watch before the catch-up scan, so a file arriving during the scan is not missed.
    watcher
        .watch(&root, RecursiveMode::Recursive)
        .map_err(watch_err)?;

    let mut state = State {
        root,
        shown: input.to_path_buf(),
        out: out.to_path_buf(),
        out_canon,
        move_canon,
        opts,
        journal,
        journal_path,
        pending: HashMap::new(),
        running: HashMap::new(),
        totals: Summary::default(),
    };
    let root = state.root.clone();
    state.scan(&root, false, observer);
    observer.watching(input, state.pending.len());

    let runner = Runner::new(opts.convert.jobs);
    let mut last_tick = Instant::now();
    let mut last_rescan = Instant::now();
    let result = loop {
        let stopping = stop.load(Ordering::SeqCst);
        if stopping && state.running.is_empty() {
            break Ok(());
        }
        match rx.recv_timeout(TICK) {
            Ok(Msg::Fs(res)) => state.on_event(res, observer),
            Ok(Msg::Done(done)) => {
                if let Err(e) = state.on_done(done, observer) {
                    break Err(e);
                }
            }
            Err(RecvTimeoutError::Timeout) => {}
            // The loop holds a sender, so the channel never disconnects.
            Err(RecvTimeoutError::Disconnected) => break Ok(()),
        }
        if !stopping && last_rescan.elapsed() >= RESCAN {
            // inotify can miss files created in a folder in the instant before its
            // watch is added (seen: 5 of 50 files dropped into a new subfolder at
            // once); a quiet periodic walk is the safety net. Its notices were
            // already given by the first scan.
            last_rescan = Instant::now();
            state.scan(&root, true, &mut Silent);
        }
        if !stopping && last_tick.elapsed() >= TICK {
            last_tick = Instant::now();
            let ready = state.tick();
            let arriving: Vec<PathBuf> = ready.iter().map(|r| r.rel.clone()).collect();
            for ready in ready {
                state.dispatch(ready, &arriving, &runner, &tx, stop);
            }
        }
    };
    drop(watcher);
    result.map(|()| state.totals)
}

/// The folders a watch works in, checked and canonical.
struct Folders {
    /// IN.
    root: PathBuf,
    /// OUT, created if missing.
    out_canon: PathBuf,
    /// The folder originals move to, created if missing.
    move_canon: Option<PathBuf>,
}

/// Checks the settings and the folders before anything is watched.
fn folders(input: &Path, out: &Path, opts: &WatchOptions) -> Result<Folders, WatchError> {
    opts.convert.profile.validate().map_err(SetupError::from)?;
    let meta = fs::metadata(input).map_err(|source| SetupError::Input {
        path: input.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(WatchError::NotAFolder {
            path: input.to_path_buf(),
        });
    }
    let setup_out = |e: io::Error| SetupError::Output {
        path: out.to_path_buf(),
        why: OutputWhy::Create(e),
    };
    fs::create_dir_all(out).map_err(setup_out)?;
    let root = fs::canonicalize(input).map_err(|source| SetupError::Input {
        path: input.to_path_buf(),
        source,
    })?;
    let out_canon = fs::canonicalize(out).map_err(setup_out)?;
    if out_canon == root {
        return Err(SetupError::Output {
            path: out.to_path_buf(),
            why: OutputWhy::IsWatched,
        }
        .into());
    }
    let move_canon = match &opts.originals {
        Originals::Move(dir) => {
            let bad = |why| WatchError::OriginalsFolder {
                path: dir.clone(),
                why,
            };
            let create = |e: io::Error| bad(OriginalsWhy::Create(e));
            fs::create_dir_all(dir).map_err(create)?;
            let canon = fs::canonicalize(dir).map_err(create)?;
            if canon == root || root.starts_with(&canon) {
                return Err(bad(OriginalsWhy::ContainsInput));
            }
            Some(canon)
        }
        _ => None,
    };
    Ok(Folders {
        root,
        out_canon,
        move_canon,
    })
}

/// A message to the watching thread.
enum Msg {
    /// A file-system event.
    Fs(notify::Result<Event>),
    /// A conversion ended.
    Done(Finished),
}

/// One conversion's end, sent from a worker.
struct Finished {
    rel: PathBuf,
    version: Version,
    stem: PathBuf,
    settled: bool,
    /// `None` when the watch was stopping and the job did not start.
    records: Option<Vec<Record>>,
}

/// An input ready to be read.
struct Ready {
    rel: PathBuf,
    version: Version,
    /// When this version was first seen.
    since: Instant,
    /// Unchanged for the settle time: a failure now is final.
    settled: bool,
}

/// A content version of an input, as cheap metadata: the size and the modification time
/// to the nanosecond. A new scan saved under the same name changes at least the mtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
struct Version {
    bytes: u64,
    mtime_ns: u64,
}

impl Version {
    fn of(meta: &fs::Metadata) -> Version {
        let mtime_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(SystemTime::UNIX_EPOCH).ok())
            .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX));
        Version {
            bytes: meta.len(),
            mtime_ns,
        }
    }
}

/// A file waiting to be complete.
struct Pending {
    /// The version last seen (`None` until the first look).
    version: Option<Version>,
    /// When that version was first seen.
    since: Instant,
    /// The OS said a writer closed it or it was renamed into place.
    hinted: bool,
    /// A version already read too early and found undecodable: wait for the settle time.
    tried: Option<Version>,
}

/// A conversion under way.
struct Running {
    /// Its output stem, relative to OUT, so no other input takes the name meanwhile.
    stem: PathBuf,
    /// When the version being converted was first seen.
    since: Instant,
    /// The file changed (or was written again) while it was being converted.
    changed: bool,
    /// The OS said a writer finished it while it was being converted.
    hinted: bool,
}

/// One journal line: an input version that is done, and where its outputs are.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct Entry {
    /// The input, relative to IN.
    input: PathBuf,
    #[serde(flatten)]
    version: Version,
    /// The output stem relative to OUT (without extension), reused for new versions.
    stem: PathBuf,
    /// The output files relative to OUT.
    outputs: Vec<PathBuf>,
    /// The worst outcome over the input's pages.
    status: Status,
}

/// The journal: the latest [`Entry`] per input, and the file lines are appended to.
struct Journal {
    file: File,
    done: HashMap<PathBuf, Entry>,
    /// Lowercased output stems (outputs travel to case-insensitive systems) → input.
    claims: HashMap<String, PathBuf>,
}

impl Journal {
    fn open(path: &Path) -> io::Result<Journal> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .create(true)
            .open(path)?;
        let mut journal = Journal {
            file: file.try_clone()?,
            done: HashMap::new(),
            claims: HashMap::new(),
        };
        for line in BufReader::new(&file).lines() {
            // A line torn by a crash is skipped: its input is simply looked at again.
            if let Ok(entry) = serde_json::from_str::<Entry>(&line?) {
                journal.remember(entry);
            }
        }
        // Start on a fresh line if the last one was torn.
        let len = file.metadata()?.len();
        if len > 0 {
            let mut last = [0u8];
            file.seek(SeekFrom::Start(len - 1))?;
            file.read_exact(&mut last)?;
            if last[0] != b'\n' {
                journal.file.write_all(b"\n")?;
            }
        }
        Ok(journal)
    }

    fn remember(&mut self, entry: Entry) {
        self.claims
            .insert(stem_key(&entry.stem), entry.input.clone());
        self.done.insert(entry.input.clone(), entry);
    }

    fn append(&mut self, entry: Entry) -> io::Result<()> {
        let mut line = serde_json::to_vec(&entry).map_err(io::Error::other)?;
        line.push(b'\n');
        self.file.write_all(&line)?;
        self.file.sync_data()?;
        self.remember(entry);
        Ok(())
    }

    fn is_done(&self, rel: &Path, version: Version) -> bool {
        self.done.get(rel).is_some_and(|e| e.version == version)
    }
}

fn stem_key(stem: &Path) -> String {
    stem.to_string_lossy().to_lowercase()
}

struct State<'a> {
    /// IN, canonical: events carry paths under it.
    root: PathBuf,
    /// IN as given, for records and messages.
    shown: PathBuf,
    out: PathBuf,
    out_canon: PathBuf,
    move_canon: Option<PathBuf>,
    opts: &'a WatchOptions,
    journal: Journal,
    journal_path: PathBuf,
    /// Keyed by path relative to IN.
    pending: HashMap<PathBuf, Pending>,
    running: HashMap<PathBuf, Running>,
    totals: Summary,
}

impl State<'_> {
    /// The path relative to IN when `path` may be an input: not under OUT or the
    /// originals folder, and no part of it hidden or temporary.
    fn relevant(&self, path: &Path) -> Option<PathBuf> {
        if path.starts_with(&self.out_canon)
            || self
                .move_canon
                .as_ref()
                .is_some_and(|m| path.starts_with(m))
        {
            return None;
        }
        let rel = path.strip_prefix(&self.root).ok()?;
        if rel.as_os_str().is_empty() || rel.iter().any(is_ignored) {
            return None;
        }
        Some(rel.to_path_buf())
    }

    /// Adds the files under `dir` (the whole of IN on start, a folder moved in later)
    /// with the walk `convert` uses. A file whose mtime is older than the settle time
    /// counts as settled already, so a restart catches up without waiting.
    fn scan(&mut self, dir: &Path, periodic: bool, observer: &mut dyn Observer) {
        let mut skipped = Vec::new();
        let found = match batch::find_files(&[dir.to_path_buf()], Some(&self.out), &mut skipped) {
            Ok(found) => found,
            Err(e) => {
                observer.notice(&Notice::Setup(e));
                return;
            }
        };
        for (path, why) in skipped {
            observer.notice(&Notice::PassedOver { path, why });
        }
        let now = Instant::now();
        for f in found {
            let Some(rel) = self.relevant(&f.path) else {
                continue;
            };
            let Ok(meta) = fs::metadata(&f.path) else {
                continue;
            };
            let version = Version::of(&meta);
            if self.journal.is_done(&rel, version) {
                continue;
            }
            if let Some(running) = self.running.get_mut(&rel) {
                // A periodic rescan sees the version being converted; only a scan
                // triggered by an event is news about it.
                if !periodic {
                    running.changed = true;
                }
                continue;
            }
            let age = meta
                .modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .unwrap_or_default()
                .min(self.opts.settle);
            self.pending.entry(rel).or_insert(Pending {
                version: Some(version),
                since: now.checked_sub(age).unwrap_or(now),
                hinted: false,
                tried: None,
            });
        }
    }

    fn on_event(&mut self, res: notify::Result<Event>, observer: &mut dyn Observer) {
        let event = match res {
            Ok(event) => event,
            Err(e) => {
                observer.notice(&Notice::Event(e.to_string()));
                return;
            }
        };
        if event.need_rescan() {
            // The OS dropped events (inotify queue overflow): look at everything again.
            let root = self.root.clone();
            self.scan(&root, false, observer);
        }
        match event.kind {
            EventKind::Remove(_) | EventKind::Modify(ModifyKind::Name(RenameMode::From)) => {
                for path in &event.paths {
                    if let Some(rel) = self.relevant(path) {
                        self.pending.remove(&rel);
                    }
                }
            }
            EventKind::Modify(ModifyKind::Name(RenameMode::Both)) => {
                if let [from, to, ..] = event.paths.as_slice() {
                    if let Some(rel) = self.relevant(from) {
                        self.pending.remove(&rel);
                    }
                    self.touch(to, true, observer);
                }
            }
            // The writer is done: closed after writing, or renamed the file into place.
            EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(_)) => {
                for path in &event.paths {
                    self.touch(path, true, observer);
                }
            }
            // Opens and reads (ours included) change nothing.
            EventKind::Access(_) => {}
            _ => {
                for path in &event.paths {
                    self.touch(path, false, observer);
                }
            }
        }
    }

    /// Notes that `path` changed; `hint` when the OS said its writer is done.
    fn touch(&mut self, path: &Path, hint: bool, observer: &mut dyn Observer) {
        let Some(rel) = self.relevant(path) else {
            return;
        };
        let Ok(meta) = fs::metadata(path) else {
            return;
        };
        if meta.is_dir() {
            // A folder created or moved in: its files may predate its watch.
            self.scan(path, false, observer);
            return;
        }
        if !meta.is_file() {
            return;
        }
        if let Some(running) = self.running.get_mut(&rel) {
            running.changed = true;
            running.hinted |= hint;
            return;
        }
        let p = self.pending.entry(rel).or_insert(Pending {
            version: None,
            since: Instant::now(),
            hinted: false,
            tried: None,
        });
        p.hinted |= hint;
    }

    /// Looks at every pending file and returns those ready to read.
    fn tick(&mut self) -> Vec<Ready> {
        let now = Instant::now();
        let mut ready = Vec::new();
        let mut gone = Vec::new();
        for (rel, p) in &mut self.pending {
            let path = self.root.join(rel);
            let meta = match fs::metadata(&path) {
                Ok(m) if m.is_file() => m,
                _ => {
                    gone.push(rel.clone());
                    continue;
                }
            };
            let version = Version::of(&meta);
            if p.version != Some(version) {
                p.version = Some(version);
                p.since = now;
                continue;
            }
            if self.journal.is_done(rel, version) {
                gone.push(rel.clone());
                continue;
            }
            let settled = now.duration_since(p.since) >= self.opts.settle;
            let early = p.hinted && p.tried != Some(version) && ends_complete(&path);
            if settled || early {
                ready.push(Ready {
                    rel: rel.clone(),
                    version,
                    since: p.since,
                    settled,
                });
            }
        }
        for rel in gone.iter().chain(ready.iter().map(|r| &r.rel)) {
            self.pending.remove(rel);
        }
        // In path order, as convert walks: ties in a name are numbered in that order.
        ready.sort_by(|a, b| a.rel.cmp(&b.rel));
        ready
    }

    /// Starts converting one ready input on the runner.
    fn dispatch(
        &mut self,
        ready: Ready,
        arriving: &[PathBuf],
        runner: &Runner,
        tx: &Sender<Msg>,
        stop: &Arc<AtomicBool>,
    ) {
        let Ready {
            rel,
            version,
            since,
            settled,
        } = ready;
        let (stem, overwrite) = match self.journal.done.get(&rel) {
            // A new version of an input already converted replaces its own output.
            Some(entry) => (entry.stem.clone(), true),
            None => (self.choose_stem(&rel, arriving), false),
        };
        self.running.insert(
            rel.clone(),
            Running {
                stem: stem.clone(),
                since,
                changed: false,
                hinted: false,
            },
        );
        let job = Job {
            input: self.shown.join(&rel),
            output_stem: self.out.join(&stem),
            bytes: version.bytes,
        };
        let opts = Options {
            overwrite,
            dry_run: false,
            ..self.opts.convert.clone()
        };
        let tx = tx.clone();
        let stop = Arc::clone(stop);
        let work_job = job.clone();
        // Jobs queued when a stop arrives are not started: the restart picks them up.
        let work = move || {
            (!stop.load(Ordering::SeqCst)).then(|| batch::convert_job(&work_job, &opts, true))
        };
        let done = move |Done { result, millis }: Done<Option<Vec<Record>>>| {
            let records = result
                .transpose()
                .map(|result| batch::finish_job(&job, Done { result, millis }));
            let _ = tx.send(Msg::Done(Finished {
                rel,
                version,
                stem,
                settled,
                records,
            }));
        };
        // The watch's runner has no queue limit: pending files wait in `pending`.
        let _ = runner.try_spawn(work, done);
    }

    /// The output stem (relative to OUT) for an input without one yet, named as
    /// `convert` names it among the inputs known now (pending, arriving in the same
    /// moment, being converted, or converted before): its own stem, or, when another of
    /// them in its folder has the same stem (compared case-insensitively), the stem with
    /// its source extension (`a_png`), then `_2`, `_3`... while the name is taken. An
    /// output already written is never renamed, so a file arriving after its namesake
    /// was converted gets the extension alone (see the README).
    fn choose_stem(&self, rel: &Path, arriving: &[PathBuf]) -> PathBuf {
        let dir = rel.parent().unwrap_or(Path::new(""));
        let stem = rel.file_stem().unwrap_or_default().to_owned();
        let same_stem = |other: &Path| {
            other != rel
                && other.parent().unwrap_or(Path::new("")) == dir
                && other
                    .file_stem()
                    .map(|s| s.to_string_lossy().to_lowercase())
                    == Some(stem.to_string_lossy().to_lowercase())
        };
        let collides = self.pending.keys().any(|o| same_stem(o))
            || self.running.keys().any(|o| same_stem(o))
            || self.journal.done.keys().any(|o| same_stem(o))
            || arriving.iter().any(|o| same_stem(o));
        let taken = |candidate: &Path| {
            let key = stem_key(candidate);
            self.journal
                .claims
                .get(&key)
                .is_some_and(|owner| owner != rel)
                || self
                    .running
                    .iter()
                    .any(|(other, r)| other != rel && stem_key(&r.stem) == key)
        };
        let mut name = stem;
        if collides {
            if let Some(ext) = rel.extension() {
                name.push("_");
                name.push(ext.to_ascii_lowercase());
            }
        }
        let mut n = 1;
        loop {
            let mut candidate = name.clone();
            if n > 1 {
                candidate.push(format!("_{n}"));
            }
            let candidate = dir.join(candidate);
            if !taken(&candidate) {
                return candidate;
            }
            n += 1;
        }
    }

    /// Takes a finished conversion: records it (journal, then originals, then the
    /// observer), or puts the input back to wait when it was read too early.
    fn on_done(&mut self, done: Finished, observer: &mut dyn Observer) -> Result<(), WatchError> {
        let running = self.running.remove(&done.rel);
        let Some(mut records) = done.records else {
            return Ok(());
        };
        let path = self.root.join(&done.rel);
        let now_version = fs::metadata(&path).ok().map(|m| Version::of(&m));
        let unchanged =
            now_version == Some(done.version) && !running.as_ref().is_some_and(|r| r.changed);
        let written = |r: &Record| matches!(r.status, Status::Ok | Status::Warn);
        let any_written = records.iter().any(written);
        let all_written = !records.is_empty() && records.iter().all(written);
        let failed = records.iter().any(|r| r.status == Status::Failed);
        let requeue = |state: &mut Self, tried: Option<Version>| {
            if now_version.is_some() {
                state.pending.insert(
                    done.rel.clone(),
                    Pending {
                        version: now_version,
                        // Unchanged since it was read: stable since it was first seen.
                        since: match (&running, tried) {
                            (Some(r), Some(_)) => r.since,
                            _ => Instant::now(),
                        },
                        hinted: running.as_ref().is_some_and(|r| r.hinted),
                        tried,
                    },
                );
            }
        };
        if failed && !any_written && !done.settled {
            // Read before the settle time and not convertible: probably still being
            // written. Retry once it has settled; say nothing yet.
            requeue(self, unchanged.then_some(done.version));
            return Ok(());
        }
        let outputs: Vec<PathBuf> = records
            .iter()
            .filter_map(|r| r.output.as_ref())
            .filter_map(|o| o.strip_prefix(&self.out).ok().map(Path::to_path_buf))
            .collect();
        let status = records
            .iter()
            .map(|r| r.status)
            .max()
            .unwrap_or(Status::Failed);
        // Outputs of the previous version that this one did not produce (fewer pages,
        // or PNG → JPEG) would pair a stale picture with the new scan.
        if all_written {
            if let Some(old) = self.journal.done.get(&done.rel) {
                for stale in old.outputs.iter().filter(|o| !outputs.contains(o)) {
                    let _ = fs::remove_file(self.out.join(stale));
                }
            }
        }
        let entry = Entry {
            input: done.rel.clone(),
            version: done.version,
            stem: done.stem.clone(),
            outputs,
            status,
        };
        self.journal
            .append(entry)
            .map_err(|source| WatchError::Journal {
                path: self.journal_path.clone(),
                source,
            })?;
        if all_written && unchanged {
            if let Err(e) = self.handle_original(&done.rel) {
                for r in &mut records {
                    r.error.get_or_insert_with(|| Why::Original(e.clone()));
                }
                observer.notice(&Notice::Original(e));
            }
        }
        for r in &records {
            self.totals.add(r);
        }
        observer.finished(&records, &self.totals);
        if !unchanged {
            // A newer version arrived while this one was converted.
            requeue(self, None);
        }
        Ok(())
    }

    /// Moves or deletes a converted input, per `--originals`.
    fn handle_original(&self, rel: &Path) -> Result<(), OriginalError> {
        let src = self.root.join(rel);
        match &self.opts.originals {
            Originals::Keep => Ok(()),
            Originals::Delete => fs::remove_file(&src).map_err(|e| OriginalError::NotDeleted {
                path: src.clone(),
                detail: e.to_string(),
            }),
            Originals::Move(dir) => {
                move_original(&src, &dir.join(rel)).map_err(|e| OriginalError::NotMoved {
                    path: src.clone(),
                    dir: dir.clone(),
                    detail: e.to_string(),
                })
            }
        }
    }
}

/// Moves `src` to `dest` (or `dest` with `_2`, `_3`... when an earlier version is
/// there), durably; across file systems by copy, fsync, then delete.
fn move_original(src: &Path, dest: &Path) -> io::Result<()> {
    let dir = dest.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir)?;
    let mut target = dest.to_path_buf();
    let mut n = 1;
    while target.exists() {
        n += 1;
        let mut name = dest.file_stem().unwrap_or_default().to_owned();
        name.push(format!("_{n}"));
        if let Some(ext) = dest.extension() {
            name.push(".");
            name.push(ext);
        }
        target = dir.join(name);
    }
    match fs::rename(src, &target) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::CrossesDevices => {
            fs::copy(src, &target)?;
            File::open(&target)?.sync_all()?;
            File::open(dir)?.sync_all()?;
            fs::remove_file(src)?;
        }
        Err(e) => return Err(e),
    }
    File::open(dir)?.sync_all()
}

/// Whether the file's last bytes close its format, for the formats whose end is
/// recognisable (JPEG EOI, PNG IEND, GIF trailer, PDF %%EOF); other formats count as
/// complete and rely on the decode. A writer that closed a file without these bytes is
/// still writing it (or wrote a truncated file, which the settle time then reports).
fn ends_complete(path: &Path) -> bool {
    let Ok(mut file) = File::open(path) else {
        return false;
    };
    let mut head = [0u8; 8];
    if file.read_exact(&mut head).is_err() {
        return false;
    }
    let mut tail = Vec::with_capacity(32);
    if file.seek(SeekFrom::End(-32)).is_err() {
        let _ = file.seek(SeekFrom::Start(0));
    }
    if file.read_to_end(&mut tail).is_err() {
        return false;
    }
    // Some writers pad the end with zeros or a newline.
    let end = tail
        .iter()
        .rposition(|&b| !matches!(b, 0 | b'\n' | b'\r' | b' '))
        .map_or(&tail[..0], |i| &tail[..=i]);
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        end.ends_with(&[0xFF, 0xD9])
    } else if head.starts_with(b"\x89PNG") {
        end.ends_with(b"IEND\xAE\x42\x60\x82")
    } else if head.starts_with(b"GIF8") {
        end.ends_with(b";")
    } else if head.starts_with(b"%PDF") {
        end.ends_with(b"%%EOF")
    } else {
        true
    }
}

/// Removes temporary outputs a killed run left in OUT (a clean stop leaves none).
fn remove_stale_temporaries(dir: &Path) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() && !name.starts_with('.') {
            remove_stale_temporaries(&entry.path());
        } else if kind.is_file() && name.starts_with(TEMP_PREFIX) && name.ends_with(".tmp") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_and_hidden_names_are_ignored() {
        for name in [
            ".DS_Store",
            ".scan.jpg",
            "a.jpg.part",
            "a.TMP",
            "a.jpg.crdownload",
            "~$letter.docx",
        ] {
            assert!(is_ignored(OsStr::new(name)), "{name}");
        }
        for name in ["a.jpg", "扫描 1.png", "part.jpg", "tmp"] {
            assert!(!is_ignored(OsStr::new(name)), "{name}");
        }
    }

    #[test]
    fn originals_parse() {
        assert_eq!("keep".parse(), Ok(Originals::Keep));
        assert_eq!("delete".parse(), Ok(Originals::Delete));
        assert_eq!(
            "move:/srv/done".parse(),
            Ok(Originals::Move("/srv/done".into()))
        );
        assert!("move:".parse::<Originals>().is_err());
        assert!("trash".parse::<Originals>().is_err());
    }

    #[test]
    fn complete_ends_are_recognised() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.jpg");
        fs::write(&p, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 5, 6]).unwrap();
        assert!(!ends_complete(&p));
        fs::write(&p, [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4, 0xFF, 0xD9, 0]).unwrap();
        assert!(ends_complete(&p));
        fs::write(&p, b"\x89PNG\r\n\x1a\n....").unwrap();
        assert!(!ends_complete(&p));
        fs::write(&p, b"II*\0 tiff data").unwrap();
        assert!(ends_complete(&p));
    }

    #[test]
    fn journal_survives_a_torn_line_and_keeps_the_latest_version() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(JOURNAL_NAME);
        let entry = |mtime_ns| Entry {
            input: "a.jpg".into(),
            version: Version {
                bytes: 10,
                mtime_ns,
            },
            stem: "a".into(),
            outputs: vec!["a.jpg".into()],
            status: Status::Ok,
        };
        {
            let mut j = Journal::open(&path).unwrap();
            j.append(entry(1)).unwrap();
            j.append(entry(2)).unwrap();
            j.file.write_all(b"{\"input\":\"b.j").unwrap();
        }
        let mut j = Journal::open(&path).unwrap();
        let v2 = Version {
            bytes: 10,
            mtime_ns: 2,
        };
        assert!(j.is_done(Path::new("a.jpg"), v2));
        assert_eq!(j.done.len(), 1);
        j.append(entry(3)).unwrap();
        let text = fs::read_to_string(&path).unwrap();
        let parsed = text
            .lines()
            .filter(|l| serde_json::from_str::<Entry>(l).is_ok())
            .count();
        assert_eq!(parsed, 3, "{text}");
    }
}

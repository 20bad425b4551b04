//! Sharded batches: one `convert` run split over N processes (a Kubernetes Indexed Job,
//! a Slurm array, N shells), each converting its own share of the same inputs into the
//! same OUT, with the whole run's outputs byte-identical to one process's.
//!
//! **Which shard owns an input.** Every input has a *key*: its path relative to the
//! input folder it was found in (for a file named on the command line, its file name),
//! with `/` between folders, as bytes (the file system's bytes on Unix, UTF-8
//! elsewhere). Its shard is
//!
//! ```text
//! shard = fmix64(fnv1a64(key)) mod N
//! ```
//!
//! with FNV-1a 64 (offset basis `0xcbf29ce484222325`, prime `0x100000001b3`) and
//! MurmurHash3's 64-bit finaliser (`h ^= h >> 33; h *= 0xff51afd7ed558ccd; h ^= h >> 33;
//! h *= 0xc4ceb9fe1a85ec53; h ^= h >> 33`), all wrapping 64-bit arithmetic. Both are
//! fixed published algorithms, so the owner of a file is the same on every machine, Rust
//! version and run, and an operator can compute it in a few lines of any language.
//! FNV alone keeps the low bits of similar names too regular for `mod N`; the finaliser
//! spreads them. An input's shard depends on its key alone: adding a file moves no
//! other file, and moving the input folder elsewhere moves nothing.
//!
//! **Names stay global.** Every shard plans the *whole* run (the walk and the output
//! names of [`crate::batch::plan`], where two inputs sharing an output name are told
//! apart in input order), then converts only its share. Two inputs that collide are
//! therefore named the same way whichever shards they fall into, and no output is
//! written by two shards.
//!
//! **One run.** Every shard also computes the run's
//! [`fingerprint`](crate::batch::fingerprint): a hash of the
//! whole plan (every input and its planned output), the output folder, the options that
//! shape outputs and N. `scanfit report merge` ([`crate::merge`]) merges only reports
//! with the same fingerprint, so shards that saw different files (a file added while
//! the job ran) or ran with different options are refused, not mixed.

use std::io;
use std::path::{Component, Path, PathBuf};
use std::str::FromStr;

/// One process's part of a sharded run: shard `index` of `count`, counted from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This process's shard, `0..count`.
    pub index: u32,
    /// How many shards the run is split into (at least 1).
    pub count: u32,
}

/// Why a shard cannot be worked out.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// The text is not `I/N` with two whole numbers.
    Spec(String),
    /// N is 0.
    ZeroCount,
    /// I is not below N.
    OutOfRange {
        /// The shard asked for.
        index: u64,
        /// The number of shards.
        count: u32,
    },
    /// Neither the Kubernetes nor the Slurm variable is set.
    NoIndex,
    /// A variable holds something other than a whole number.
    BadVariable {
        /// The variable.
        name: &'static str,
        /// What it holds.
        value: String,
    },
    /// `SLURM_ARRAY_TASK_ID` is set without `SLURM_ARRAY_TASK_MIN`.
    NoSlurmMin,
    /// The Slurm task id is below the array's first id or off its step.
    OffSlurmArray {
        /// `SLURM_ARRAY_TASK_ID`.
        id: u64,
        /// `SLURM_ARRAY_TASK_MIN`.
        min: u64,
        /// `SLURM_ARRAY_TASK_STEP`.
        step: u64,
    },
    /// The Slurm array has another number of tasks than the run has shards.
    SlurmCount {
        /// `SLURM_ARRAY_TASK_COUNT`.
        tasks: u64,
        /// The number of shards asked for.
        count: u32,
    },
}

/// Why shard reports cannot be merged.
#[derive(Debug, thiserror::Error)]
pub enum MergeError {
    /// A report cannot be read.
    Read {
        /// The report.
        path: PathBuf,
        /// The system's cause.
        #[source]
        source: io::Error,
    },
    /// The file does not start with a shard's header.
    NotShardReport {
        /// The file.
        path: PathBuf,
    },
    /// A line after the header is not a JSON record.
    BadLine {
        /// The report.
        path: PathBuf,
        /// Its line number, from 1.
        line: usize,
    },
    /// The rows do not match what the header announces (cut short or edited).
    Inconsistent {
        /// The report.
        path: PathBuf,
    },
    /// The report is from another run than the first one given.
    OtherRun {
        /// The report.
        path: PathBuf,
        /// The first report given.
        first: PathBuf,
    },
    /// Two reports are of the same shard.
    Duplicate {
        /// The shard, from 0.
        shard: u32,
        /// The first report of it.
        first: PathBuf,
        /// The second.
        path: PathBuf,
    },
    /// Some shards' reports are not given.
    Missing {
        /// The shards missing, from 0.
        shards: Vec<u32>,
        /// The number of shards of the run.
        count: u32,
    },
}

/// The variable a Kubernetes Indexed Job sets to the pod's completion index (from 0).
pub const K8S_INDEX: &str = "JOB_COMPLETION_INDEX";
/// The variable a Slurm array sets to the task's id (from the array's first id).
pub const SLURM_ID: &str = "SLURM_ARRAY_TASK_ID";
/// The first id of a Slurm array (`--array=1-8` starts at 1).
pub const SLURM_MIN: &str = "SLURM_ARRAY_TASK_MIN";
/// The step between a Slurm array's ids (`--array=0-15:4`).
pub(crate) const SLURM_STEP: &str = "SLURM_ARRAY_TASK_STEP";
/// The number of tasks in a Slurm array.
pub const SLURM_COUNT: &str = "SLURM_ARRAY_TASK_COUNT";

impl Shard {
    /// Shard `index` of `count`, if it exists.
    pub fn new(index: u64, count: u32) -> Result<Shard, ShardError> {
        if count == 0 {
            return Err(ShardError::ZeroCount);
        }
        match u32::try_from(index) {
            Ok(index) if index < count => Ok(Shard { index, count }),
            _ => Err(ShardError::OutOfRange { index, count }),
        }
    }

    /// This process's shard of `count` from the engine that started it: a Kubernetes
    /// Indexed Job's `JOB_COMPLETION_INDEX` (from 0), else a Slurm array's
    /// `SLURM_ARRAY_TASK_ID`, counted from the array's first id (`SLURM_ARRAY_TASK_MIN`)
    /// in its steps (`SLURM_ARRAY_TASK_STEP`), so `--array=1-8` runs shards 0 to 7.
    /// `var` reads a variable (the caller's environment, or a test's).
    pub fn from_env(count: u32, var: impl Fn(&str) -> Option<String>) -> Result<Shard, ShardError> {
        if count == 0 {
            return Err(ShardError::ZeroCount);
        }
        let number = |name: &'static str| -> Result<Option<u64>, ShardError> {
            var(name)
                .map(|value| {
                    value
                        .trim()
                        .parse::<u64>()
                        .map_err(|_| ShardError::BadVariable { name, value })
                })
                .transpose()
        };
        if let Some(index) = number(K8S_INDEX)? {
            return Shard::new(index, count);
        }
        let Some(id) = number(SLURM_ID)? else {
            return Err(ShardError::NoIndex);
        };
        let min = number(SLURM_MIN)?.ok_or(ShardError::NoSlurmMin)?;
        let step = number(SLURM_STEP)?.unwrap_or(1).max(1);
        if let Some(tasks) = number(SLURM_COUNT)? {
            if tasks != u64::from(count) {
                return Err(ShardError::SlurmCount { tasks, count });
            }
        }
        match id.checked_sub(min) {
            Some(offset) if offset % step == 0 => Shard::new(offset / step, count),
            _ => Err(ShardError::OffSlurmArray { id, min, step }),
        }
    }

    /// Whether this shard converts the input with `key` ([`key`]).
    pub fn owns(&self, key: &[u8]) -> bool {
        shard_of(key, self.count) == self.index
    }
}

impl FromStr for Shard {
    type Err = ShardError;

    /// `I/N`: shard I (from 0) of N.
    fn from_str(text: &str) -> Result<Shard, ShardError> {
        let spec = || ShardError::Spec(text.to_owned());
        let (i, n) = text.trim().split_once('/').ok_or_else(spec)?;
        let index: u64 = i.trim().parse().map_err(|_| spec())?;
        let count: u32 = n.trim().parse().map_err(|_| spec())?;
        Shard::new(index, count)
    }
}

/// The shard (of `count`) that owns the input with `key`.
pub(crate) fn shard_of(key: &[u8], count: u32) -> u32 {
    (fmix64(fnv1a64(key)) % u64::from(count.max(1))) as u32
}

/// An input's key: `rel` (its path relative to its input folder) with `/` between
/// components, as bytes.
pub fn key(rel: &Path) -> Vec<u8> {
    let mut out = Vec::new();
    for part in rel.components() {
        if let Component::Normal(name) = part {
            if !out.is_empty() {
                out.push(b'/');
            }
            out.extend_from_slice(&os_bytes(name));
        }
    }
    out
}

#[cfg(unix)]
fn os_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    use std::os::unix::ffi::OsStrExt;
    name.as_bytes().to_vec()
}

#[cfg(not(unix))]
fn os_bytes(name: &std::ffi::OsStr) -> Vec<u8> {
    name.to_string_lossy().as_bytes().to_vec()
}

/// FNV-1a, 64 bits.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// MurmurHash3's 64-bit finaliser: every input bit reaches every output bit.
pub fn fmix64(mut h: u64) -> u64 {
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^= h >> 33;
    h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    h ^ (h >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn the_hash_is_the_published_one() {
        // FNV-1a's published test vectors.
        assert_eq!(fnv1a64(b""), 0xcbf29ce484222325);
        assert_eq!(fnv1a64(b"a"), 0xaf63dc4c8601ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x85944171f73967e8);
        // Worked out independently (a Python transcription of the module's formula):
        // an operator's script must agree with these.
        let k = key(Path::new("客户A/营业执照 扫描.png"));
        assert_eq!(fmix64(fnv1a64(&k)), 0x62412f60701e2466);
        let owners: Vec<u32> = [2, 3, 4, 10].iter().map(|&n| shard_of(&k, n)).collect();
        assert_eq!(owners, [0, 1, 2, 6]);
        assert_eq!(key(Path::new("sub/./a.jpg")), b"sub/a.jpg");
    }

    #[test]
    fn shards_balance_on_ten_thousand_names() {
        let names: Vec<Vec<u8>> = (0..10_000)
            .map(|i| format!("客户{:03}/扫描 {:04}.jpg", i / 50, i % 50).into_bytes())
            .collect();
        for n in [2u32, 3, 8] {
            let mut counts: HashMap<u32, usize> = HashMap::new();
            for k in &names {
                *counts.entry(shard_of(k, n)).or_default() += 1;
            }
            // A good hash puts each name in a shard by a fair die: counts within four
            // standard deviations of the binomial; a skewed hash leaves them far out.
            let p = 1.0 / f64::from(n);
            let total = names.len() as f64;
            let sd = (total * p * (1.0 - p)).sqrt();
            for &c in counts.values() {
                assert!((c as f64 - total * p).abs() < 4.0 * sd, "{n}: {counts:?}");
            }
            assert_eq!(counts.len(), n as usize);
        }
    }

    #[test]
    fn shard_specs_and_variables() {
        assert_eq!("2/3".parse(), Ok(Shard { index: 2, count: 3 }));
        assert_eq!(
            "3/3".parse::<Shard>(),
            Err(ShardError::OutOfRange { index: 3, count: 3 })
        );
        assert_eq!("0/0".parse::<Shard>(), Err(ShardError::ZeroCount));
        assert_eq!("1".parse::<Shard>(), Err(ShardError::Spec("1".into())));
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| (*v).to_owned())
            }
        };
        let k8s = Shard::from_env(4, env(&[(K8S_INDEX, "3")]));
        assert_eq!(k8s, Ok(Shard { index: 3, count: 4 }));
        let slurm = &[(SLURM_ID, "8"), (SLURM_MIN, "1"), (SLURM_COUNT, "8")];
        let from_one = Shard::from_env(8, env(slurm));
        assert_eq!(from_one, Ok(Shard { index: 7, count: 8 }));
        let stepped = &[(SLURM_ID, "12"), (SLURM_MIN, "0"), (SLURM_STEP, "4")];
        assert_eq!(
            Shard::from_env(4, env(stepped)),
            Ok(Shard { index: 3, count: 4 })
        );
        assert_eq!(Shard::from_env(4, env(&[])), Err(ShardError::NoIndex));
        assert_eq!(
            Shard::from_env(4, env(&[(SLURM_ID, "2")])),
            Err(ShardError::NoSlurmMin)
        );
        assert_eq!(
            Shard::from_env(
                8,
                env(&[(SLURM_ID, "1"), (SLURM_MIN, "1"), (SLURM_COUNT, "4")])
            ),
            Err(ShardError::SlurmCount { tasks: 4, count: 8 })
        );
        assert!(matches!(
            Shard::from_env(4, env(&[(K8S_INDEX, "x")])),
            Err(ShardError::BadVariable {
                name: K8S_INDEX,
                ..
            })
        ));
        assert_eq!(
            Shard::from_env(4, env(&[(K8S_INDEX, "4")])),
            Err(ShardError::OutOfRange { index: 4, count: 4 })
        );
    }
}

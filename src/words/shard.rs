//! The words of sharded batches (`shard.ftl`): a shard that cannot be worked out, and
//! shard reports that cannot be merged.

use super::{display_in_english, io_text, Lang, Message, Words};
use crate::shard::{MergeError, ShardError, K8S_INDEX, SLURM_COUNT, SLURM_ID, SLURM_MIN};

display_in_english!(ShardError, MergeError);

impl Message for ShardError {
    fn code(&self) -> &'static str {
        match self {
            ShardError::Spec(_) => "spec",
            ShardError::ZeroCount => "zero_count",
            ShardError::OutOfRange { .. } => "out_of_range",
            ShardError::NoIndex => "no_index",
            ShardError::BadVariable { .. } => "bad_variable",
            ShardError::NoSlurmMin => "no_slurm_min",
            ShardError::OffSlurmArray { .. } => "off_slurm_array",
            ShardError::SlurmCount { .. } => "slurm_count",
        }
    }

    fn words(&self, _: Lang) -> Words {
        let w = Words::new("shard", self.code());
        match self {
            ShardError::Spec(text) => w.text("text", text),
            ShardError::ZeroCount => w,
            ShardError::OutOfRange { index, count } => w
                .num("index", *index)
                .num("count", *count)
                .num("last", count.saturating_sub(1)),
            ShardError::NoIndex => w.text("k8s", K8S_INDEX).text("slurm", SLURM_ID),
            ShardError::BadVariable { name, value } => w.text("name", name).text("value", value),
            ShardError::NoSlurmMin => w.text("slurm", SLURM_ID).text("min", SLURM_MIN),
            ShardError::OffSlurmArray { id, min, step } => {
                w.num("id", *id).num("min", *min).num("step", *step)
            }
            ShardError::SlurmCount { tasks, count } => w
                .num("tasks", *tasks)
                .num("count", *count)
                .text("variable", SLURM_COUNT),
        }
    }
}

impl Message for MergeError {
    fn code(&self) -> &'static str {
        match self {
            MergeError::Read { .. } => "read",
            MergeError::NotShardReport { .. } => "not_shard_report",
            MergeError::BadLine { .. } => "bad_line",
            MergeError::Inconsistent { .. } => "inconsistent",
            MergeError::OtherRun { .. } => "other_run",
            MergeError::Duplicate { .. } => "duplicate",
            MergeError::Missing { .. } => "missing",
        }
    }

    fn words(&self, lang: Lang) -> Words {
        let w = Words::new("merge", self.code());
        match self {
            MergeError::Read { path, source } => {
                w.path("path", path).text("detail", io_text(source, lang))
            }
            MergeError::NotShardReport { path } | MergeError::Inconsistent { path } => {
                w.path("path", path)
            }
            MergeError::BadLine { path, line } => w.path("path", path).num("line", *line as u64),
            MergeError::OtherRun { path, first } => w.path("path", path).path("first", first),
            MergeError::Duplicate { shard, first, path } => w
                .num("shard", *shard)
                .path("first", first)
                .path("path", path),
            MergeError::Missing { shards, count } => {
                let list: Vec<String> = shards.iter().map(u32::to_string).collect();
                w.text("shards", list.join(", "))
                    .num("missing", shards.len() as u64)
                    .num("count", *count)
            }
        }
    }
}

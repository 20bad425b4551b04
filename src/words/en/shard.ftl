# Sharded batches: `convert --shard`, `convert --shard-count`, `report merge`.

## A shard that cannot be worked out (family "shard").
shard-spec = '{ $text }' is not a shard: write I/N, shard I of N counted from 0 (0/4 is the first of four)
shard-zero_count = the number of shards must be at least 1
shard-out_of_range = shard { $index } does not exist: { $count ->
    [one] the only shard is 0
   *[other] the { $count } shards are 0 to { $last }
}
shard-no_index = no shard number for this process: neither { $k8s } (set by a Kubernetes Indexed Job) nor { $slurm } (set by a Slurm array) is set
shard-bad_variable = { $name } is '{ $value }', not a whole number
shard-no_slurm_min = { $slurm } is set but { $min } is not: the array's first task id is needed to count shards from 0
shard-off_slurm_array = Slurm task { $id } is not a task of the array starting at { $min } in steps of { $step }
shard-slurm_count = the Slurm array has { $tasks } tasks ({ $variable }) but the run is split into { $count } shards: each task must be one shard

## Shard reports that cannot be merged (family "merge").
merge-read = cannot read report { $path }: { $detail }
merge-not_shard_report = { $path } is not a shard's report: its first line is not a shard's header
merge-bad_line = { $path }, line { $line }: not a report record
merge-inconsistent = { $path }: its records do not match its header (the report was cut short or edited)
merge-other_run = { $path } is from another run than { $first } (other inputs, output folder, options or number of shards): reports of different runs are not merged
merge-duplicate = shard { $shard } is given twice: { $first } and { $path }
merge-missing = { $missing ->
    [one] the report of shard { $shards } is missing
   *[other] the reports of shards { $shards } are missing
}: all { $count } shards' reports are needed

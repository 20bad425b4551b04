# 分片批量转换：`convert --shard`、`convert --shard-count`、`report merge`。

## 无法确定分片（family "shard"）。
shard-spec = “{ $text }”不是分片编号：请写成 I/N，即 N 个分片中的第 I 个，从 0 数起（0/4 是四个分片中的第一个）
shard-zero_count = 分片数至少为 1
shard-out_of_range = 分片 { $index } 不存在：{ $count ->
    [1] 唯一的分片是 0
   *[other] { $count } 个分片的编号是 0 到 { $last }
}
shard-no_index = 不知道本进程是第几个分片：{ $k8s }（由 Kubernetes Indexed Job 设置）和 { $slurm }（由 Slurm 作业数组设置）都没有设置
shard-bad_variable = { $name } 的值是“{ $value }”，不是整数
shard-no_slurm_min = 设置了 { $slurm }，但没有设置 { $min }：需要作业数组的第一个任务编号，才能从 0 数分片
shard-off_slurm_array = Slurm 任务 { $id } 不属于从 { $min } 开始、步长为 { $step } 的作业数组
shard-slurm_count = Slurm 作业数组有 { $tasks } 个任务（{ $variable }），但转换分成了 { $count } 个分片：每个任务应当正好是一个分片

## 无法合并的分片报告（family "merge"）。
merge-read = 无法读取报告 { $path }：{ $detail }
merge-not_shard_report = { $path } 不是分片报告：它的第一行不是分片报告的开头
merge-bad_line = { $path } 第 { $line } 行：不是报告记录
merge-inconsistent = { $path }：记录与开头所写的不一致（报告不完整或被改动过）
merge-other_run = { $path } 与 { $first } 不是同一次转换的报告（输入、输出文件夹、选项或分片数不同）：不同转换的报告不能合并
merge-duplicate = 分片 { $shard } 的报告给了两次：{ $first } 和 { $path }
merge-missing = 缺少 { $missing } 个分片的报告（分片 { $shards }）：需要全部 { $count } 个分片的报告

# `scanfit watch`：无法开始或必须停止监视的原因。

## （family "watch"）
watch-not_a_folder = { $path }：不是文件夹；watch 只监视一个文件夹（单个文件请用 scanfit convert 转换）
watch-events = 无法监视 { $path }：{ $detail }
watch-journal = 记录文件 { $path }：{ $detail }
watch-originals_folder = 存放原文件的文件夹 { $path }：{ $why }
watch-originals_contains_input = 它包含了被监视的文件夹
watch-bad_originals = “{ $text }”不是 keep、delete 或 move:目录（例如 move:/srv/scans/done）
watch-event_error = 文件事件出错：{ $detail }
watch-passed_over = 已跳过 { $path }：{ $why }

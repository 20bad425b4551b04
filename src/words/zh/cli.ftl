# 终端：汇总、逐个文件的提示、表头、进度条，以及只有命令行才有的错误（参数、文件）。

## 关于一个文件的提示。
cli-skipped = 已跳过 { $path }：{ $why }
cli-failed = 失败 { $path }：{ $why }
cli-warned = 注意 { $path }：{ $warnings }
cli-unknown_error = 未知错误
cli-path-page = { $path }（第 { $page } 页）
# 命令行为可以用参数改变的原因补充的提示。
cli-hint-output_exists = { $why }（加 --overwrite 可以覆盖）
cli-hint-flags = { $why }（可用 { $flags } 调整）

## 汇总。
cli-dry_run = （试运行：没有写出任何文件）
cli-summary-convert = 已转换 { $converted } 个（其中 { $warned } 个需要注意），失败 { $failed } 个，跳过 { $skipped } 个；{ $bytes_in } → { $bytes_out }{ $dry }
cli-summary-stitch = 已拼图 { $converted } 张（其中 { $warned } 张需要注意），失败 { $failed } 张，跳过 { $skipped } 张{ $dry }
cli-summary-check = 已检查 { $checked } 个：通过 { $pass } 个，注意 { $warn } 个，不通过 { $fail } 个，已跳过 { $skipped } 个
cli-summary-watch = 已停止：已转换 { $converted } 个（其中 { $warned } 个需要注意），失败 { $failed } 个，跳过 { $skipped } 个

## 进度条。
cli-bar-files = 个文件
cli-bar-encodes = 次编码
cli-bar-sampled = { $files } 个文件
cli-bar-bytes = { $bytes_in } → { $bytes_out }
cli-bar-eta = 预计剩余

## check 的表格。
cli-dims = { $width }×{ $height }
cli-dims-pages = { $width }×{ $height }（{ $pages } 页）
cli-characters-read = { $dims }，文字识别：{ $characters } 个字符中 { $sure } 个能清楚读出（{ $percent }%）

## watch。
cli-watching = 正在监视 { $path }（有 { $pending } 个文件待补转）；按 Ctrl-C 停止
cli-watch-count = [已转换 { $converted } 个，失败 { $failed } 个]
cli-watch-wrote = { $input } → { $output }（{ $size }，{ $millis } 毫秒）{ $warnings ->
        [none] {""}
       *[other] {" "}注意：{ $warnings }
    }
cli-watch-report = 无法追加写入报告：{ $detail }

## sweep。表头分上下两行（例如 中位数 / 清晰度）；编码速度一列上行是“编码”，下行是单位。
cli-sweep-head = 设置
cli-sweep-total = 总计
cli-sweep-median = 中位数
cli-sweep-in_band = 达标
cli-sweep-worst = 最差
cli-sweep-ms = 编码
cli-sweep-front = 前沿
cli-sweep-bytes = 字节
cli-sweep-legibility = 清晰度
cli-sweep-colour = 色彩
cli-sweep-encode = 毫秒/百万像素
cli-sweep-yes = 是
cli-sweep-legend = （* 推荐，d 默认；清晰度即 convert 的评分，下限 { $floor }；色彩下限 { $colour_floor }）
cli-sweep-measured = 测量了 { $files } 个文件，跳过 { $skipped } 个，共 { $settings } 种设置
cli-sweep-nothing = 没有一种全分辨率设置能让每个文件的清晰度都不低于 { $floor }：无法推荐
cli-sweep-recommended = 推荐：{ $setting }（样本共 { $size }，最差清晰度 { $score }）
cli-sweep-against_default = {"  "}与默认设置 { $setting } 相比，大小变化 { $change } %
cli-sweep-lowest_passes = {"  "}试过的最低质量仍然达标：用 --quality 试更低的值，可能得到更小的文件
cli-sweep-profile-header = # scanfit 配置文件：由 scanfit sweep 根据 { $files } 个文件生成。
cli-sweep-profile-recommended = # 推荐：{ $setting }，最差清晰度 { $score }（下限 { $floor }）。
cli-sweep-profile-use = # 用法：scanfit convert 输入 -o 输出 --profile { $path }
cli-sweep-profile-written = 配置文件已写入 { $path }

## 命令行本身的错误。
cli-error = scanfit：{ $error }
cli-error-chain = {"："}
cli-reading_profile = 读取配置文件 { $path } 时出错
cli-invalid_profile = 配置文件 { $path } 无效：{ $why }
cli-writing_report = 写入报告 { $path } 时出错
cli-shard_report_csv = 分片的报告是 JSON Lines 格式，供 `scanfit report merge` 读取：请给 --report 一个以 .jsonl 结尾的文件名，而不是 { $path }；`report merge -o 文件.csv` 会把整次转换的报告写成 CSV
cli-opening_report = 打开报告 { $path } 时出错
cli-creating = 创建 { $path } 时出错
cli-writing = 写入 { $path } 时出错
cli-ctrlc = 无法设置 Ctrl-C/SIGTERM 处理程序
cli-stitch_needs_two = 拼图需要两张或更多图片（scanfit stitch 图片1 图片2 -o 输出.jpg），或用 --sets 指定拼图清单
cli-bad_poll = --poll { $value }：请给出大于 0 的秒数
cli-bad_sample = --sample { $value }：请给出大于 0 的数量，或 all
cli-bad_quality = --quality：{ $why }

## check 的客户文件夹与拼图清单。
cli-folders = 客户文件夹：
cli-folder-kind = { $kind } ×{ $count }
cli-folder-unrecognised = 未识别 { $count } 份
cli-writing_sets = 写入拼图清单 { $path } 时出错
cli-wrote_sets = 已写入拼图清单 { $path }（{ $sets } 张拼图）；生成拼图：scanfit stitch --sets { $path } -o 输出

## scanfit rules：依据的指南、上传和图片要求，再是资料类型表和各省例外表。
cli-rules-guide = { $title }，版本 { $version }
cli-rules-portal = 服务商：{ $portal }（--portal 可选：{ $portals }）
cli-rules-pixels = 像素：不少于 { $min }，不多于 { $max }（长边×短边，横竖均可）
cli-rules-source = {"  "}{ $what }：{ $source }
cli-rules-upload = 上传：{ $formats }；大小 { $min_size }~{ $max_size }（{ $min }~{ $max } 字节）
cli-rules-picture = 图片：{ $colour ->
        [yes] 原件的彩色拍照或彩色扫描
       *[no] 颜色不限
    }；长边至少 { $long_edge } 像素；清晰度至少 { $sharpness }
cli-rules-warn = 距期限 { $days } 天以内时提示注意。每个备案都需要：{ $needs }
cli-rules-identity = 证件
cli-rules-kind = 类型
cli-rules-name = 名称
cli-rules-role = 作用
cli-rules-issued_within = 提交前办理期限
cli-rules-valid_for = 提交后仍需有效
cli-rules-names = 文件名中识别的名称
cli-rules-province = 省份
cli-rules-role-identity = 证件
cli-rules-role-auxiliary = 辅助资料（需与证件拼图）
cli-rules-role-other = 其他
# 构建时（build.rs）mozjpeg 未编译 SIMD 代码时显示。
cli-build-jpeg-plain-c = mozjpeg 未以 SIMD 方式编译（未找到 nasm）：JPEG 编码将慢 2–7 倍。请安装 nasm（Debian/Ubuntu：apt install nasm）后执行 `cargo clean -p mozjpeg-sys` 重新编译。
# Windows 上用 GCC 编译而缺少 .cargo/config.toml 中的 C 编译参数时，编译脚本（build.rs）停止。
cli-build-windows-gnu-ctzl = 用 GCC 编译 Windows 版需要设置 CFLAGS_x86_64_pc_windows_gnu="-D__builtin_ctzl=__builtin_ctzll"（已写在 .cargo/config.toml 中，原因见其注释），否则 mozjpeg 的渐进式编码器处理灰度图片时会出错。请在 scanfit 的文件夹里编译，或设置该变量。

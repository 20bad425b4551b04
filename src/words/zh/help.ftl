# `scanfit --help`：每个命令做什么（about-<命令>），每个参数的含义（help-<命令>-<参数>
# 或 help-<参数>），值的占位名（value-<名称>），标题，以及命令行用法错误（usage-*）。

## 命令（family "about"）。
about-scanfit = 把扫描件和照片变成备案系统接受的图片：真正的 JPEG/PNG，大小 200 KB～4 MB，方向端正，不含元数据，清晰可见。
about-convert = 把文件和文件夹（包括子文件夹）转换到输出文件夹，保持原来的文件夹结构
about-check = 按备案系统的规则检查文件和文件夹，不写出任何文件（退出码 0：全部通过；1：有不通过的，或加 --strict 时有需要注意的）
about-stitch = 把几份资料拼成一张图片（拼图），或用 --sets 按 CSV 清单一次拼多组
about-watch = 持续运行：输入文件夹（包括子文件夹）里每出现一张图片，等它完整写好后就转换到输出文件夹；按 Ctrl-C 或发送 SIGTERM 停止
about-rules = 显示 check 所核对的资料规则（资料类型、有效期、各省的例外规定）及其依据的备案指南版本
about-sweep = 在您的一批资料样本上试验一组编码设置：每种设置的大小、清晰度和速度，一张图表，以及可供 convert --profile 使用的推荐配置
about-serve = 在本机提供一个网页（拖入图片，下载可直接上传的 ZIP）和一个 HTTP API（转换、检查、拼图）；按 Ctrl-C 停止
about-report = 处理转换报告
about-report-merge = 把一次分片转换（convert --shard）所有分片的报告合并成整次转换的报告，记录按不分片时的顺序排列（退出码 0：每个文件都成功；1：有失败的；2：这些报告不是同一次完整转换的）
about-help = 显示本帮助，或指定命令的帮助

## 每个命令都有的参数。
help-help = 显示帮助
help-version = 显示版本
help-lang = 界面语言：zh（中文）或 en（英文）；不指定时看 SCANFIT_LANG 环境变量，再看系统语言
help-help-subcommand = 要查看帮助的命令

## 输入和输出。
help-convert-inputs = 要转换的文件和文件夹
help-verify_reading = 识别每张图片及其输出上的文字，输出不如原图清楚时用更多字节（更慢：每张图片的文字都要识别两次）
help-check-inputs = 要检查的文件和文件夹（包括子文件夹；每个客户一个子文件夹）
help-sweep-inputs = 从中抽取样本的文件和文件夹（包括子文件夹）
help-pieces = 要拼在一起的图片，按排列顺序给出（PDF 或 TIFF 的每一页算一张）
help-input = 要监视的文件夹（扫描仪的输出文件夹、共享文件夹）
help-output = 输出文件夹（不存在时自动创建；可以位于输入文件夹内）
help-stitch-output = 输出的图片（后缀会改为 .jpg，加 --format png 时为 .png）；用 --sets 时是输出文件夹
help-watch-output = 输出文件夹（不存在时自动创建；可以位于被监视的文件夹内）。其中的记录文件 .scanfit-journal.jsonl 让重启后接着处理，不会重复转换

## 配置：大小范围、编码方式、下限。
help-profile = 以这个配置文件为起点（TOML 格式，即 scanfit sweep --save-profile 写出的文件）；同时给出的参数会覆盖其中的值
help-min_size = 输出的最小大小（例如 200KiB、204800）
help-max_size = 输出的最大大小（例如 4MB、4000000）
help-quality = 首先尝试的 JPEG 质量
help-min_quality = JPEG 质量不会低于此值
help-min_long_edge = 缩小时长边不低于此像素数（原图更小时以原图为准）
help-format = 输出格式
help-effort = 编码力度：fast（基线），balanced（渐进式），max（mozjpeg 网格量化）
help-subsampling = 彩色 JPEG 的色度抽样方式
help-progressive = 渐进式 JPEG（true）或基线 JPEG（false），不论编码力度如何
help-trellis = 开启（true）或关闭（false）网格量化，不论编码力度如何
help-min_score = 清晰度下限（0～1）：得分低于它的编码结果一律不采用；0 表示不限制

## 写出和运行。
help-overwrite = 覆盖已存在的输出文件（否则跳过）
help-dry_run = 完成全部处理，但不写出任何图片
help-report = 为每个输出写一条记录到文件：JSON Lines 格式，文件名以 .csv 结尾时为 CSV 格式（watch 以 JSON Lines 格式追加）
help-quiet = 不显示进度条（问题和汇总照常显示）
help-jobs = 同时处理的文件数（默认：所有处理器核心）
help-max_pixels = 解码图片的最大像素数：超过的顺序式 JPEG 按 1/2、1/4 或 1/8 尺寸解码，其余图片拒绝（防止解压炸弹）
help-max_input_size = 拒绝大于此值的输入文件
help-shard = 只转换 分片数 个分片中的第 序号 个，从 0 数起（0/4 是四个分片中的第一个）：每个输入按它相对输入文件夹的路径的散列值归入一个分片，输出文件名仍按全部输入统一决定。--report 的文件名在后缀前加上 .shard-序号-of-分片数
help-shard_count = 转换 分片数 个分片中的一个，编号取自 JOB_COMPLETION_INDEX（Kubernetes Indexed Job，从 0 数起），或 SLURM_ARRAY_TASK_ID 减去 SLURM_ARRAY_TASK_MIN（Slurm 作业数组）
help-report-merge-reports = 各分片的报告（报告.shard-序号-of-分片数.jsonl），每个分片一份，顺序不限
help-report-merge-output = 整次转换的报告：文件名以 .csv 结尾时为 CSV 格式，否则为 JSON Lines 格式

## check。
help-json = 每个文件输出一个 JSON 对象，再为每个客户文件夹输出一个（JSON Lines），代替表格
help-check-report = 同时把检查结果写入文件：文件名以 .csv 结尾时为 CSV 格式，否则为 JSON Lines 格式
help-strict = 有文件或文件夹需要注意时也以退出码 1 结束，而不只是有不通过时
help-manifest = 资料清单：列出每份资料的类型和日期的 CSV 文件，列名为 文件、类型、办理日、有效期至、省份、需要（也可用英文列名），UTF-8 格式或 Excel 保存的 GBK 格式均可
help-filed_on = 提交备案的日期，有效期从这天算起（2026-07-01、2026/7/1、2026年7月1日；默认：今天）
help-province = 备案所在的省份，中文或拼音均可（四川、sichuan）；资料清单某行填了省份时以该行为准
help-write_sets = 写出一份 stitch --sets 拼图清单：把每份单独的辅助资料与所在文件夹的证件图片拼成一张（文件已存在时不写）
help-read = 读取哪些图片上的文字（离线识别）以判断资料类型和日期：auto 只读规则需要、而资料清单和文件名都没有给出日期的图片；always 读每张图片（每张约一秒）；never 都不读

## check 和 rules。
help-rules = 按这个规则文件核对（TOML 格式，即 scanfit rules --toml 显示的内容），代替内置规则
help-portal = 按哪家服务商公布的上传要求核对（格式、大小范围、像素范围）：阿里云（默认，即本指南）、腾讯云、华为云、火山引擎，或规则文件中列出的其他服务商；可选的服务商代号见 scanfit rules
value-provider = 服务商
value-when = 何时

## rules。
help-rules-json = 以一个 JSON 对象显示规则
help-toml = 显示规则文件本身（TOML 格式），可复制修改后用于 --rules

## stitch。
help-sets = 一次拼多组：一个 CSV 文件（UTF-8、UTF-16 或 GBK），每行先写输出文件名，再写两张或更多图片（相对于 CSV 所在的文件夹），即 check --write-sets 写出的拼图清单。此时输出是一个文件夹
help-layout = 图片的排列方式：auto 选用分辨率损失最少、形状最接近纸张的排列
help-gap = 图片之间的空白，单位为拼好的图片上的像素
help-margin = 拼好的图片四周的白边，单位为像素

## watch。
help-settle = 系统不报告“写入完毕”事件时，文件的大小和时间要保持多久不变才读取它
help-poll = 每隔这么多秒查看一次变化，而不是等待文件事件（用于收不到事件的网络共享文件夹）
help-originals = 输出安全写入磁盘后，如何处理输入的原文件

## sweep。
help-sweep-quality = 要试验的质量：范围写作 起..止/步长，也可写单个值，用逗号分隔
help-sweep-subsampling = 要试验的色度抽样方式，用逗号分隔：420、422、444
help-sweep-progressive = 渐进式（true）和/或基线（false），用逗号分隔
help-sweep-trellis = 网格量化开启（true）和/或关闭（false），用逗号分隔
help-scale = 长边的缩小比例，用逗号分隔，大于 0 且不超过 1
help-sample = 从输入中抽取的图片数（all 表示全部）
help-seed = 抽样的随机种子：同样的种子、同样的文件，抽到的样本相同
help-repeats = 每个文件、每种设置的编码次数；取耗时的中位数
help-sweep-profile = 作为比较基准的配置，也决定大小范围、清晰度下限，以及保存的配置中其余的值（默认：备案系统的规则）
help-sweep-min_score = 推荐的设置在最差的文件上也要达到的清晰度下限
help-min_colour = 推荐的设置在最差的文件上也要达到的色彩下限（0～1）：像评清晰度一样给色度平面打分，4:2:0 会让红色印章变淡变糊；0 表示不考虑色彩
help-csv = 每种设置写一行到这个 CSV 文件
help-plot = 把大小与清晰度的关系画到 .svg 或 .png 文件（PNG 图表的文字是英文：内置字体没有中文）
help-save_profile = 把推荐的设置写成配置文件，供 convert --profile 使用


## serve.
help-serve-listen = 监听的地址；本机回环地址以外的地址需要 --token 或 --no-auth
help-serve-port = 端口（默认 8080，被占用时自动选一个空闲端口）
help-serve-open = 服务启动后在默认浏览器中打开网页
help-serve-lan = 为同一网络中的手机提供服务：在本机的局域网地址上监听，每次启动生成新的随机令牌，并显示一个二维码，手机扫码即可打开网页（已授权）
help-serve-queue = 可以排队等待处理的请求数；超出时服务立即回答 429
help-serve-uploads = 可以同时接收的上传数（图片全部到达后才占用处理位置）；超出时服务立即回答 429
help-serve-max_connections = 可以同时打开的连接数；更多的连接等待其他连接关闭
help-serve-timeout = 单个请求的时限，从收到第一个字节到给出回答
help-serve-token = API 请求必须带上 HTTP 头 Authorization: Bearer 加令牌；也可以用环境变量 SCANFIT_TOKEN 给出，比写在别人能看到的命令行里更安全
help-serve-no_auth = 不用令牌也在回环地址以外的地址上提供服务（您自己的网络，或前面有负责认证的代理）
help-serve-allow_origin = 允许这个来源（网站地址）的网页调用 API：跨域访问（CORS）和跨站提交；可以重复指定多个
help-serve-jobs = 同时处理的图片数（默认：全部处理器核心）
help-serve-max_input_size = 拒绝超过这个大小的上传（每个接收的上传都放在内存里）
help-serve-drain_delay = 收到 SIGTERM 或 Ctrl-C 后，在 /readyz 回答 503 的同时继续接收新请求这么久，让负载均衡先停止转发（Kubernetes：约 5 秒）
help-serve-drain_timeout = 然后不再接受新连接，给正在处理的请求这么长时间完成；都完成则以状态 0 退出
help-serve-log_format = 日志格式：text 保持平常的输出；json 另外在标准输出上为每个请求写一行 JSON（时间、方法、路由、状态、耗时、收发字节数、错误代码）

## 值的占位名（family "value"）。
value-command = 命令
value-inputs = 输入
value-pieces = 图片
value-input = 文件夹
value-out = 输出
value-file = 文件
value-file_toml = 文件.toml
value-file_csv = 文件.csv
value-size = 大小
value-quality = 质量
value-min_quality = 质量
value-px = 像素
value-format = 格式
value-effort = 力度
value-subsampling = 抽样
value-bool = true|false
value-score = 分数
value-jobs = 数量
value-pixels = 像素数
value-layout = 排列
value-ms = 毫秒
value-secs = 秒
value-addr = 地址
value-port = 端口
value-requests = 请求数
value-connections = 连接数
value-token = 令牌
value-origin = 来源
value-keep_move_dir_delete = keep|move:目录|delete
value-list = 列表
value-n_all = 数量|all
value-n = 次数
value-seed = 种子
value-lang = 语言
value-date = 日期
value-name = 名称
value-i_n = 序号/分片数
value-shards = 分片数
value-reports = 报告

## 参数之外的用语。
heading-usage = 用法:
heading-arguments = 参数
heading-options = 选项
heading-commands = 命令
usage-options = [选项]
note-default = [默认：{ $value }]
note-possible = [可选：{ $values }]

## 命令行用法错误（family "usage"）。
usage-error = 错误：{ $message }
usage-unknown_argument = 无法识别的参数 '{ $arg }'
usage-invalid_value = 参数 '{ $arg }' 的值 '{ $value }' 无效
usage-missing_value = 参数 '{ $arg }' 需要一个值，但没有给出
usage-value_validation = 参数 '{ $arg }' 的值 '{ $value }' 无效：{ $why }
usage-not_a_number = 不是有效的数字
usage-invalid_subcommand = 无法识别的命令 '{ $command }'
usage-missing_required = 缺少必需的参数：{ $args }
usage-missing_subcommand = '{ $command }' 后面需要一个命令
usage-too_many_values = 参数 '{ $arg }' 不接受更多的值：'{ $value }'
usage-wrong_number = 参数 '{ $arg }' 需要 { $expected } 个值，实际给了 { $given } 个
usage-conflict = 参数 '{ $arg }' 不能与 { $other } 同时使用
usage-repeated = 参数 '{ $arg }' 只能使用一次
usage-no_equals = 给参数 '{ $arg }' 赋值时需要写等号
usage-invalid_utf8 = 参数中有无效的 UTF-8 文本
usage-similar = 提示：是不是要用 { $similar }？
usage-escape = 提示：如果要把 '{ $arg }' 作为值传入，请写成 '-- { $arg }'
usage-more = 更多信息请运行 '{ $help }'。

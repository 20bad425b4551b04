# `scanfit serve` 网页上的文字（src/serve/page）。{ $name } 由网页自己填入。
# 每个 id 都必须在 ../en/page.ftl 中存在，且变量相同（有测试检查）。
# 用词依照备案指南（shared/glossary-zh.md）：图片、上传、大小、格式、拼图、通过/注意/不通过。

page-title = scanfit — ICP备案图片整理
page-lead = 把扫描件和照片拖到这里。每个文件都会另存为 200 KB~4 MB 的 JPEG 或 PNG 图片，方向摆正，去除元数据，可直接上传。文件只发送到本 scanfit 服务，服务不保存任何文件。
page-drop = 把图片或整个文件夹拖到这里
page-or = 或
page-pick-files = 选择文件
page-pick-folder = 选择文件夹
page-check-only = 仅检查（不转换）
page-check-note = 仅检查：按文件现状给出结论，不做转换。
page-download-all = 全部下载（ZIP）
page-stitch = 把选中的图片拼图
page-clear = 清空
page-summary = 共 { $files } 个文件：{ $pass } 个通过，{ $warn } 个注意，{ $fail } 个不通过，{ $skipped } 个已跳过，{ $busy } 个处理中
page-verdict-pass = 通过
page-verdict-warn = 注意
page-verdict-fail = 不通过
page-verdict-skipped = 已跳过
page-state-waiting = 等待处理
page-state-uploading = 正在上传 { $percent }%
page-state-working = 正在处理…
page-state-retrying = 服务繁忙，稍后自动重试…
page-before = 原图
page-after = 处理后
page-no-preview = 无法预览
page-removed = 已去除：{ $what }
page-removed-none = 没有需要去除的元数据
page-found = 含有元数据：{ $what }
page-list-separator = 、
page-sizes = { $before } → { $after }
page-pages = 共 { $count } 页
page-download = 下载
page-select = 选中以拼图
page-stitch-need-two = 请选择两张或更多图片再拼图。
page-stitched = 由 { $count } 张图片拼图而成
page-too-large = 文件大小 { $size }，超过本服务的上限 { $limit }
page-token-label = 访问令牌
page-token-help = 本服务需要访问令牌，请向服务的管理人员索取。
page-token-save = 使用此令牌
page-not-ready = 备案系统不会接受这张图片。请用彩色重新扫描或拍摄原件；转换后的文件单独放在 ZIP 的“需要重新扫描”文件夹里。
page-zip-rescan-folder = 需要重新扫描
page-zip-empty = 还没有可以下载的图片。
page-zip-too-big = ZIP 将超过 4 GB 或 65535 个文件，请分批下载。
page-error-network = 无法连接服务：{ $detail }
page-footer = scanfit { $version } · 服务器不保存任何文件

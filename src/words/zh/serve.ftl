# `scanfit serve`：服务无法启动的原因、接口拒绝请求的原因，以及命令行关于服务的提示。
# 每个 id 都必须在 ../en/serve.ftl 中存在，且变量相同（有测试检查）。

## 服务无法启动或已停止（"serve"）。
serve-cannot_listen = 无法在 { $addr } 上监听：{ $detail }
serve-unprotected = { $addr } 可从其他机器访问，那里的任何人都能使用本服务：请设置访问令牌（客户端以“Authorization: Bearer 令牌”发送），或明确说明所在网络可信
serve-empty_token = 访问令牌为空
serve-bad_origin = 允许的来源“{ $origin }”格式不对，应为 协议://主机[:端口]（例如 https://portal.example）
serve-stopped = 服务已停止：{ $detail }
serve-drain_timeout = 等待时间 { $secs } 秒已到，仍有 { $requests } 个请求未处理完，已被中断

## 接口拒绝请求的原因（"api"）。
api-not_found = 没有这个页面或接口
api-method_not_allowed = 此地址不接受这种请求方法（接口使用 POST）
api-forbidden_host = 本服务只响应本机地址，请用 http://127.0.0.1:端口/ 或 http://localhost:端口/ 打开
api-cross_origin = 已拒绝来自其他网站的请求（服务管理人员可以允许某个网站的来源）
api-unauthorized = 本服务需要访问令牌：请发送请求头“Authorization: Bearer 令牌”
api-unknown_parameter = 未知参数“{ $name }”
api-repeated_parameter = 参数“{ $name }”重复了
api-bad_value = 参数“{ $name }”的值不能是“{ $value }”
api-bad_query = 查询字符串不是 URL 编码的文本
api-bad_spacing = { $why }
api-bad_profile = 参数设置相互矛盾：{ $why }
api-empty = 上传的文件是空的
api-one_file = 请只发送一个文件（作为请求体，或一个文件部分）；收到 { $count } 个
api-bad_multipart = 上传的内容不是本服务能读取的表单（multipart/form-data）；请在页面上重新上传，或把文件作为请求体发送
api-bad_body = 上传在完成之前中断了，请重新上传
api-upload_too_slow = 上传速度太慢（每秒不到 { $rate }），已停止；请换用更好的网络后重试
api-input_too_large = 上传的文件超过本服务的上限 { $max }
api-overloaded = 服务正在处理其他图片，请稍后再试
api-timeout = 请求超过了本服务的时限 { $secs } 秒
api-internal_error = 内部错误（请报告此问题）

## 命令行提示。
cli-serve_listening = scanfit serve：请在浏览器中打开 { $url }（按 Ctrl-C 停止）
cli-serve_phone = scanfit serve：在连接同一网络（Wi-Fi）的手机上用相机扫描这个二维码，或打开 { $url }（链接中带有本次运行的访问令牌，只发给您自己的设备）
cli-serve_no_lan = scanfit serve：这台电脑没有手机能访问的网络地址（{ $detail }）；请把它连到手机所在的 Wi-Fi，或指定地址
cli-serve_no_browser = scanfit serve：无法打开浏览器（{ $detail }），请自行打开 { $url }

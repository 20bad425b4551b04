# `scanfit serve`: why a server cannot start, why the API refuses a request, and the
# command line's lines about the server. Every id here exists in ../zh/serve.ftl with
# the same arguments.

## Why a server cannot start or stopped (family "serve").
serve-cannot_listen = cannot listen on { $addr }: { $detail }
serve-unprotected = { $addr } can be reached from other machines, and anyone there could use this server: give it a token that clients send as "Authorization: Bearer TOKEN", or say that the network is trusted
serve-empty_token = the token is empty
serve-bad_origin = the allowed origin '{ $origin }' is not of the form scheme://host[:port] (e.g. https://portal.example)
serve-stopped = the server stopped: { $detail }
serve-drain_timeout = { $requests ->
    [one] one request was
   *[other] { $requests } requests were
} still under way when the drain time of { $secs } s ran out; cut off

## Why the API refuses a request (family "api").
api-not_found = no such page or API
api-method_not_allowed = this address takes another method (the API takes POST)
api-forbidden_host = this server answers only to localhost addresses; open it as http://127.0.0.1:PORT/ or http://localhost:PORT/
api-cross_origin = requests from other web sites are refused (the server's operator can allow a site's origin)
api-unauthorized = this server needs a token: send the header "Authorization: Bearer TOKEN"
api-unknown_parameter = unknown parameter '{ $name }'
api-repeated_parameter = the parameter '{ $name }' is given twice
api-bad_value = the parameter '{ $name }' cannot be '{ $value }'
api-bad_query = the query string is not URL-encoded text
api-bad_spacing = { $why }
api-bad_profile = the profile parameters contradict each other: { $why }
api-empty = the upload is empty
api-one_file = send exactly one file (as the body, or one file part); { $count } given
api-bad_multipart = the upload is not a form this server can read (multipart/form-data); send the file again from the page, or as the request's body
api-bad_body = the upload stopped before its end; send it again
api-upload_too_slow = the upload arrived too slowly (less than { $rate } a second) and was stopped; try again on a better connection
api-input_too_large = the upload is larger than this server's limit of { $max }
api-overloaded = the server is busy with other pictures; try again in a moment
api-timeout = the request took longer than this server's limit of { $secs } s
api-internal_error = internal error (please report it)

## The command line's lines.
cli-serve_listening = scanfit serve: open { $url } in a browser (Ctrl-C stops)
cli-serve_phone = scanfit serve: on a phone on the same network (Wi-Fi), scan this code with the camera, or open { $url } (the link carries this run's access token: share it only with your own devices)
cli-serve_no_lan = scanfit serve: this computer has no network address a phone could reach ({ $detail }); connect it to the phone's Wi-Fi, or give the address
cli-serve_no_browser = scanfit serve: cannot open a browser ({ $detail }); open { $url } yourself

"""WebSocket close codes, named once (RFC 6455 ones and Prachakhom's 4xxx)."""

NORMAL = 1000
GOING_AWAY = 1001
MESSAGE_TOO_BIG = 1009  # a frame over max_frame, closed before decoding
TRY_AGAIN_LATER = 1013  # storage did not answer while the welcome was read: reconnect
UNAUTHORIZED = 4401  # bad token, or no hello within hello_timeout
FORBIDDEN_ORIGIN = 4403  # the page's Origin is not allowed
SLOW_CONSUMER = 4408  # the client did not read its messages: its send queue overflowed

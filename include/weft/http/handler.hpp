#pragma once

// The shape of application code: handlers and middleware.

#include <weft/http/request.hpp>
#include <weft/http/response.hpp>
#include <weft/io/task.hpp>

#include <functional>

namespace weft::http {

/// A request handler: a coroutine from the request to its response. The request (and the
/// buffers its views point into) outlives the returned task. An exception that escapes
/// becomes a 500 (the server logs it); it never ends the connection's worker.
using handler = std::function<task<response>(request&)>;

/// Middleware: runs around the rest of the chain. It may answer by itself (auth: 401), change
/// the request before calling `next` (add values) and the response after (CORS headers,
/// compression, logging). `next` is valid until the returned task has finished.
using middleware = std::function<task<response>(request&, const handler& next)>;

/// A task that yields `r` at once: for handlers that answer without awaiting anything and
/// so need not be coroutines themselves.
[[nodiscard]] task<response> ready(response r);

} // namespace weft::http

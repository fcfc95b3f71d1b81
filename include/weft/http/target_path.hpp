#pragma once

#include <weft/expected.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace weft::http {

/// Why a request path cannot name a file under the document root.
enum class path_error : std::uint8_t {
    not_absolute,  ///< does not start with '/' (origin-form, RFC 9112 §3.2.1) → 400
    bad_escape,    ///< '%' not followed by two hex digits → 400
    nul,           ///< a NUL byte, raw or "%00" → 400
    control,       ///< another control character → 400
    encoded_slash, ///< "%2f" or "%5c": a separator smuggled inside a segment → 400
    escapes_root,  ///< ".." (raw or "%2e%2e") that would climb above the root → 400
};

std::string_view describe(path_error e) noexcept;

/// A request path made safe to join to a document root.
struct safe_path {
    std::string relative;   ///< "docs/a b/index.html": decoded, no "." or "..", no leading '/'
    bool directory = false; ///< the path ended with '/' (or was "/"): serve an index
};

/// Turns the path of an origin-form request-target (the part before '?') into a relative
/// path under the root. Percent-decoding happens exactly once, per segment, so "%2e%2e"
/// is "..", and "%2f" never becomes a separator. "." segments and empty segments ("//")
/// are dropped; ".." removes the previous segment and is an error at the root (nginx
/// answers such requests 400 as well). Symlinks are the file layer's business (openat2
/// with RESOLVE_BENEATH), not this function's.
expected<safe_path, path_error> make_safe_path(std::string_view target_path);

/// Decodes %XX escapes once. '+' is left alone (it means space only in forms).
expected<std::string, path_error> percent_decode(std::string_view text);

} // namespace weft::http

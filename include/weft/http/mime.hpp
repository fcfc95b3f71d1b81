#pragma once

#include <string_view>

namespace weft::http {

/// The media type to send for a file, from its extension (case-insensitive), as nginx's
/// mime.types would: "text/html; charset=utf-8" for "index.html". Text types carry a UTF-8
/// charset. Unknown or missing extensions give "application/octet-stream", so a browser
/// downloads rather than guesses (and with X-Content-Type-Options: nosniff, never sniffs).
std::string_view mime_type_for(std::string_view path) noexcept;

/// Whether a response of this media type is worth compressing on the fly: text, JSON,
/// JavaScript, XML, SVG, WebAssembly. Images, video, archives and fonts in woff2 are
/// already compressed.
bool is_compressible(std::string_view media_type) noexcept;

} // namespace weft::http

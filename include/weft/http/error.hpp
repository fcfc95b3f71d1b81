#pragma once

#include <weft/http/status.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>

namespace weft::http {

/// Why an HTTP/1.1 message was rejected by the parser or the chunked decoder.
///
/// Every code maps to the status the server answers with (`to_status`); after any of them
/// the connection must be closed, because the framing of what follows cannot be trusted
/// (RFC 9112 §6.3, §11.2). The codes are registered with `std::is_error_code_enum` in
/// `http_category()`, so `std::error_code ec = http_errc::obs_fold;` works.
enum class http_errc : std::uint8_t {
    // Request line (RFC 9112 §3).
    bad_method = 1,        ///< 400: the method is empty or not a token
    bad_target,            ///< 400: a control byte, non-ASCII byte or bad form in the target
    uri_too_long,          ///< 414: the request line is longer than `max_request_line`
    bad_version,           ///< 400: the version is not `HTTP/<digit>.<digit>`
    version_not_supported, ///< 505: well-formed, but not HTTP/1.0 or HTTP/1.1
    bare_cr,               ///< 400: a CR not followed by LF (RFC 9112 §2.2)
    // Field lines (RFC 9112 §5, RFC 9110 §5.5).
    bad_field_name,          ///< 400: empty field name, a non-token byte, or no colon
    whitespace_before_colon, ///< 400: "Host : x" (RFC 9112 §5.1)
    obs_fold,                ///< 400: a line starting with SP or HTAB (RFC 9112 §5.2, §2.2)
    bad_field_value,         ///< 400: a control byte other than HTAB, or DEL, in a value
    headers_too_large,       ///< 431: the header (or trailer) section exceeds `max_header_bytes`
    too_many_headers,        ///< 431: more than `max_headers` field lines
    // Framing and semantics (RFC 9112 §6, §3.2).
    bad_content_length,                    ///< 400: not 1*DIGIT, or overflows 64 bits
    conflicting_content_length,            ///< 400: several Content-Length with different values
    content_length_with_transfer_encoding, ///< 400: both framing headers (RFC 9112 §6.1)
    transfer_encoding_in_http10,           ///< 400: Transfer-Encoding in an HTTP/1.0 request
    chunked_not_final,           ///< 400: Transfer-Encoding whose last coding is not chunked
    bad_transfer_encoding,       ///< 400: empty/ill-formed coding list, or chunked twice
    unsupported_transfer_coding, ///< 501: a coding other than chunked before chunked
    length_required,             ///< 411: chunked body while `parser_limits::allow_chunked` is off
    missing_host,                ///< 400: HTTP/1.1 request without Host (RFC 9112 §3.2)
    multiple_host,               ///< 400: more than one Host field line
    bad_host,                    ///< 400: a Host value that is not uri-host [":" port]
    body_too_large,              ///< 413: Content-Length or chunked total above `max_body`
    // Chunked transfer coding (RFC 9112 §7.1).
    bad_chunk_size,      ///< 400: a chunk-size that is not 1*HEXDIG
    chunk_size_overflow, ///< 400: a chunk-size that does not fit in 64 bits
    bad_chunk_extension, ///< 400: a chunk-ext that is not `;name[=token|quoted-string]`
    chunk_line_too_long, ///< 400: a chunk-size line longer than `max_chunk_line`
    missing_chunk_crlf,  ///< 400: chunk data not followed by CRLF
};

/// The error category of `http_errc`; `name()` is "weft.http".
[[nodiscard]] const std::error_category& http_category() noexcept;

/// Makes an error_code in `http_category()`; found by ADL for implicit conversions.
[[nodiscard]] std::error_code make_error_code(http_errc e) noexcept;

/// The status a server answers `e` with: 400, 411, 413, 414, 431, 501 or 505.
[[nodiscard]] status to_status(http_errc e) noexcept;

/// Describes `e` in a few words ("obs-fold line in the header section").
[[nodiscard]] std::string_view describe(http_errc e) noexcept;

/// Where and why a message was rejected. Trivially copyable; nothing allocates until `message`.
///
/// `offset` is the byte offset of the offending byte: in the buffer passed to
/// `request_parser::parse`, or in the whole chunked stream for `chunked_decoder`. For the
/// limit errors (414, 431) it is the limit itself; for header semantics (framing, Host) it is
/// the start of the offending field line.
struct parse_error {
    http_errc code{};
    std::uint32_t offset = 0;

    /// The status to answer with. @returns `http::to_status(code)`
    [[nodiscard]] status to_status() const noexcept { return http::to_status(code); }

    /// Renders `"<input around offset>": reason (at offset N)`; control bytes are escaped and
    /// at most 32 bytes either side of the offset are shown.
    [[nodiscard]] std::string message(std::string_view input) const;

    friend constexpr bool operator==(const parse_error&, const parse_error&) = default;
};

} // namespace weft::http

template <> struct std::is_error_code_enum<weft::http::http_errc> : std::true_type {};

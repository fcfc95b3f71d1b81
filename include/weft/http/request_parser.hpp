#pragma once

#include <weft/expected.hpp>
#include <weft/http/error.hpp>

#include <cstddef>
#include <cstdint>
#include <memory_resource>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace weft::http {

/// The size limits of one HTTP/1.1 message head and body (STYLE.md 2.7 rule 7).
///
/// Each limit has its own error and status. All byte counts are measured from the first byte
/// of the buffer passed to `request_parser::parse` (leading empty lines included).
struct parser_limits {
    /// Longest request line in bytes, its line ending (and any leading empty lines) included.
    /// Above it: `uri_too_long` (414).
    std::size_t max_request_line = 8 * 1024;
    /// Longest header section (request line, field lines and the empty line); also bounds a
    /// chunked trailer section. Above it: `headers_too_large` (431).
    std::size_t max_header_bytes = 16 * 1024;
    /// Most field lines in a header (or trailer) section. Above it: `too_many_headers` (431).
    std::size_t max_headers = 100;
    /// Largest request body in bytes (Content-Length, or the chunked total). Above it:
    /// `body_too_large` (413).
    std::uint64_t max_body = 1024 * 1024;
    /// Longest chunk-size line, extensions included. Above it: `chunk_line_too_long` (400).
    std::size_t max_chunk_line = 4 * 1024;
    /// Whether a chunked request body is accepted; if not, such requests get
    /// `length_required` (411, RFC 9110 §15.5.12).
    bool allow_chunked = true;
};

/// One field line: views of the name (as received, any case) and of the value without its
/// leading and trailing whitespace (RFC 9112 §5.1). Views into the parsed buffer.
struct header {
    std::string_view name;
    std::string_view value;
};

/// The HTTP versions weft speaks on HTTP/1 connections.
enum class http_version : std::uint8_t {
    http_1_0 = 10, ///< "HTTP/1.0"
    http_1_1 = 11, ///< "HTTP/1.1"
};

/// The parsed head of a request: views into the buffer given to `request_parser::parse`,
/// plus the framing derived from the headers (RFC 9112 §6.3).
///
/// Every view is valid while that buffer holds the same bytes at the same address: for a
/// connection, until the response has been written (STYLE.md 2.7 rule 2). Copy what must
/// live longer.
struct request_head {
    std::string_view method; ///< the method token, case-sensitive ("GET")
    std::string_view target; ///< the raw request-target, not decoded (RFC 9112 §3.2)
    http_version version = http_version::http_1_1;
    std::span<const header> headers; ///< every field line, in order, duplicates kept
    /// The body length from Content-Length; empty when absent or when chunked.
    std::optional<std::uint64_t> content_length;
    bool chunked = false;    ///< the body uses the chunked coding (decode with chunked_decoder)
    bool keep_alive = false; ///< persistent per version and Connection (RFC 9112 §9.3)
    bool expect_continue = false; ///< HTTP/1.1 with `Expect: 100-continue` (RFC 9110 §10.1.1)
    bool has_host = false;        ///< a Host field line is present
    std::string_view host;        ///< its value ("" when absent)

    /// The value of the first field named `name` (ASCII case-insensitive), if any.
    [[nodiscard]] std::optional<std::string_view> find(std::string_view name) const noexcept;

    /// Whether a body follows the head. @returns `chunked || content_length.value_or(0) > 0`
    [[nodiscard]] bool has_body() const noexcept {
        return chunked || content_length.value_or(0) > 0;
    }
};

/// An incremental, strict HTTP/1.1 request-head parser (RFC 9112 §2–§6), picohttpparser-style.
///
/// The connection appends what it reads to its buffer and calls `parse` with all the bytes
/// buffered so far, from the first byte of this request. The parser keeps its position as
/// offsets, so a call after more data continues where the last one stopped: bytes already
/// scanned are not scanned again, except the current partial field line, and everything
/// when the buffer has moved in memory (a reallocation; the parser notices and restarts, which
/// geometric growth makes rare). Errors are reported as soon as the offending byte is seen,
/// and the same input always yields the same error whatever the read boundaries.
///
/// Strictness: line endings are CRLF or a lone LF (RFC 9112 §2.2 allows recipients to accept
/// LF); a lone CR is an error. Single SP between request-line parts; the target must be
/// printable ASCII. No obs-fold, no whitespace before a colon, no control bytes in values.
/// Leading empty lines before the request line are skipped (RFC 9112 §2.2).
///
/// After an error the parser stays failed (every call returns the same error) until
/// `reset`; the connection must answer `error.to_status()` and close.
///
/// The header array comes from the memory resource given at construction and keeps its
/// capacity across `reset`, so a connection's parser stops allocating after its first
/// requests; pass an arena (`std::pmr::monotonic_buffer_resource`) to avoid the heap entirely.
/// Not thread-safe; one parser per connection, used on the connection's loop thread.
class request_parser {
  public:
    /// `parse` returns this when the head is not complete yet (a complete head is never empty).
    static constexpr std::size_t incomplete = 0;

    explicit request_parser(parser_limits limits = {},
                            std::pmr::memory_resource* memory = std::pmr::get_default_resource());

    /// Parses `buffer`, all the bytes of this request received so far.
    ///
    /// @returns `incomplete` (0) when more bytes are needed; the length of the header section
    /// (where the body or the next pipelined request starts) once complete, after which `head()`
    /// is valid; or the error. Calling again after completion returns the same length.
    /// `buffer` must start with the same bytes on every call until `reset` (a buffer shorter
    /// than what was already scanned is parsed afresh).
    [[nodiscard]] expected<std::size_t, parse_error> parse(std::string_view buffer);

    /// The parsed head; valid only after `parse` returned a length, and only while that buffer
    /// is unchanged.
    [[nodiscard]] const request_head& head() const noexcept { return head_; }

    /// Forgets the current request, to parse the next one (from a new buffer start).
    void reset() noexcept;

    /// The limits given at construction.
    [[nodiscard]] const parser_limits& limits() const noexcept { return limits_; }

  private:
    enum class phase : std::uint8_t {
        empty_lines,
        method,
        target,
        version,
        fields,
        complete,
        failed
    };

    expected<std::size_t, parse_error> fail(http_errc code, std::size_t offset);
    std::optional<parse_error> scan_request_line(std::string_view buffer, std::size_t stop);
    std::optional<parse_error> finish(std::string_view buffer);

    parser_limits limits_;
    std::pmr::vector<header> headers_;
    request_head head_;
    parse_error error_{};
    phase phase_ = phase::empty_lines;
    std::size_t pos_ = 0;          // next byte to scan
    std::size_t method_begin_ = 0; // offsets, so that a moved buffer is no problem
    std::size_t target_begin_ = 0;
    std::size_t version_begin_ = 0;
    std::size_t fields_begin_ = 0; // first byte after the request line
    std::uintptr_t base_ = 0;      // address of the buffer at the last call
};

namespace detail {

/// Scans field lines (RFC 9112 §5) in `buffer[pos, stop)`, appending each complete line to
/// `out`; shared by the request parser and the chunked decoder's trailers.
///
/// Only complete lines are consumed: on return `pos` is the start of the first unscanned line,
/// or just past the empty line that ends the section, in which case `done` is set. Errors
/// carry offsets relative to `buffer` plus `base_offset`. `out.size()` counts toward
/// `max_fields`.
std::optional<parse_error> scan_fields(std::string_view buffer, std::size_t& pos, std::size_t stop,
                                       std::size_t max_fields, std::size_t base_offset,
                                       std::pmr::vector<header>& out, bool& done);

/// Whether `c` is a tchar (RFC 9110 §5.6.2).
[[nodiscard]] bool is_token_char(char c) noexcept;

/// ASCII case-insensitive equality of `a` and `b`.
[[nodiscard]] bool iequals(std::string_view a, std::string_view b) noexcept;

/// The first byte in [first, last) that cannot appear in a request-target (anything but
/// 0x21..0x7e), or `last`. Scalar reference implementation.
[[nodiscard]] const char* find_target_end_scalar(const char* first, const char* last) noexcept;
/// As `find_target_end_scalar`, vectorised (AVX2 if compiled in, else SSE2 on x86-64, else
/// scalar). Never reads outside [first, last).
[[nodiscard]] const char* find_target_end_simd(const char* first, const char* last) noexcept;

/// The first byte in [first, last) that ends or breaks a field value: a control byte other
/// than HTAB (so CR and LF), or DEL; or `last`. Scalar reference implementation.
[[nodiscard]] const char* find_value_end_scalar(const char* first, const char* last) noexcept;
/// As `find_value_end_scalar`, vectorised. Never reads outside [first, last).
[[nodiscard]] const char* find_value_end_simd(const char* first, const char* last) noexcept;

/// The name of the vector path compiled in: "avx2", "sse2" or "scalar".
[[nodiscard]] std::string_view simd_path() noexcept;

} // namespace detail

} // namespace weft::http

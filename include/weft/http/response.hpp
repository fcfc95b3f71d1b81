#pragma once

#include <weft/expected.hpp>
#include <weft/http/status.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <variant>
#include <vector>

#include <sys/types.h>

namespace weft::http {

/// A byte range of an open file, sent after the head with `sendfile` (STYLE.md §2.7 rule 5).
///
/// The descriptor is NOT owned: whoever builds the response keeps `fd` open until the write
/// has completed, and closes it afterwards. `length` is the exact number of bytes sent and is
/// what the Content-Length header says.
struct file_range {
    int fd = -1;            ///< an open, readable descriptor; not owned, never closed here
    off_t offset = 0;       ///< first byte sent
    std::size_t length = 0; ///< number of bytes sent from `offset`

    friend constexpr bool operator==(const file_range&, const file_range&) = default;
};

/// Owns one file descriptor and closes it on destruction. Move-only.
class owned_fd {
  public:
    owned_fd() noexcept = default;
    explicit owned_fd(int fd) noexcept : fd_(fd) {}
    owned_fd(owned_fd&& o) noexcept : fd_(o.release()) {}
    owned_fd& operator=(owned_fd&& o) noexcept;
    owned_fd(const owned_fd&) = delete;
    owned_fd& operator=(const owned_fd&) = delete;
    ~owned_fd();
    [[nodiscard]] int get() const noexcept { return fd_; }
    int release() noexcept {
        const int fd = fd_;
        fd_ = -1;
        return fd;
    }

  private:
    int fd_ = -1;
};

/// An HTTP/1.1 response: a status, an ordered header list and a body.
///
/// The body is one of: nothing (the default), an owned `std::string`, or a `file_range`.
/// Header names compare case-insensitively (RFC 9110 §5.1); order and duplicates are kept as
/// given. The framing headers are the serializer's: see `serialize_head`. A default
/// `response` is `200 OK` with no headers and no body. A plain value: not thread-safe.
class response {
  public:
    /// One field line: (name, value), both as they will be written.
    using header = std::pair<std::string, std::string>;

    /// `200 OK`, no headers, no body.
    response() = default;

    /// A response with status `s`, no headers and no body.
    explicit response(http::status s) noexcept : status_(s) {}

    /// `s` with `body` and `Content-Type: type`.
    [[nodiscard]] static response text(http::status s, std::string body,
                                       std::string_view type = "text/plain; charset=utf-8");

    /// `s` with `body` and `Content-Type: text/html; charset=utf-8`.
    [[nodiscard]] static response html(http::status s, std::string body);

    /// `s` with no headers and no body (Content-Length: 0 unless `s` is 1xx, 204 or 304).
    [[nodiscard]] static response empty(http::status s);

    /// An RFC 9457 problem details document, `Content-Type: application/problem+json`:
    /// `{"title":"<reason phrase>","status":<code>,"detail":"<detail>"}`.
    ///
    /// `detail` is escaped for JSON (RFC 8259 §7): `"` and `\` are backslash-escaped, control
    /// bytes become `\u00XX`, and bytes that are not well-formed UTF-8 become U+FFFD, so the
    /// document is valid JSON whatever `detail` holds. `type` is omitted ("about:blank").
    [[nodiscard]] static response problem(http::status s, std::string_view detail);

    /// The status code.
    [[nodiscard]] http::status status() const noexcept { return status_; }
    /// Sets the status code.
    void set_status(http::status s) noexcept { status_ = s; }

    /// The header list, in insertion order.
    [[nodiscard]] const std::vector<header>& headers() const noexcept { return headers_; }

    /// Replaces the first header named `name` (case-insensitively) by `value`, erases any
    /// later ones, or appends (name, value) when there is none. The stored name keeps the
    /// spelling of the existing header.
    void set(std::string_view name, std::string value);

    /// Appends (name, value), keeping any header of the same name (e.g. Set-Cookie).
    void add(std::string name, std::string value);

    /// The value of the first header named `name` (case-insensitively), or nullopt.
    /// Valid until the header list is next modified.
    [[nodiscard]] std::optional<std::string_view> find(std::string_view name) const noexcept;

    /// Erases every header named `name` (case-insensitively). @returns the number erased
    std::size_t erase(std::string_view name) noexcept;

    /// Makes the body `body` (owned).
    void set_body(std::string body) noexcept { body_ = std::move(body); }
    /// Makes the body the file range `file`; the descriptor stays the caller's (see file_range).
    void set_file(file_range file) noexcept { body_ = file; }
    /// Makes the body `file` and takes ownership of its descriptor: it is closed when the
    /// response is destroyed, which serve_connection does only after sending it.
    void set_owned_file(file_range file) noexcept {
        body_ = file;
        file_owner_ = std::make_shared<const owned_fd>(file.fd);
    }
    /// Makes the body `file`, whose descriptor `owner` holds: the response keeps a share of
    /// it, so the descriptor stays open until the response (and every other holder, e.g. an
    /// open-file cache) is gone. `owner->get()` must be `file.fd`.
    void set_shared_file(file_range file, std::shared_ptr<const owned_fd> owner) noexcept {
        body_ = file;
        file_owner_ = std::move(owner);
    }
    /// Reserves room for `n` headers, so that adding them does not reallocate.
    void reserve_headers(std::size_t n) { headers_.reserve(n); }
    /// Removes the body.
    void clear_body() noexcept { body_ = std::monostate{}; }

    /// The string body, or nullptr when the body is empty or a file.
    [[nodiscard]] const std::string* body_string() const noexcept {
        return std::get_if<std::string>(&body_);
    }
    /// The file body, or nullptr when the body is empty or a string.
    [[nodiscard]] const file_range* body_file() const noexcept {
        return std::get_if<file_range>(&body_);
    }
    /// The body's length in bytes: the string's size, the file range's length, or 0.
    [[nodiscard]] std::uint64_t body_size() const noexcept;

  private:
    http::status status_ = http::status::ok;
    std::vector<header> headers_;
    std::variant<std::monostate, std::string, file_range> body_;
    // Shared so a response stays copyable; the descriptor closes with the last copy.
    std::shared_ptr<const owned_fd> file_owner_;
};

/// How `serialize_head` frames a response for the request it answers.
struct serialize_options {
    bool head_request = false;        ///< answering HEAD: Content-Length as for GET, but no body
    bool keep_alive = true;           ///< false writes `Connection: close`
    bool http10 = false;              ///< the request was HTTP/1.0: keep-alive must be explicit
    std::string_view date;            ///< the Date value (e.g. `date_cache::now()`); "" omits Date
    std::string_view server = "weft"; ///< the Server value; "" omits Server
};

/// Whether a response with status `s` to a request (HEAD or not) carries body bytes:
/// false for HEAD, 1xx, 204 and 304 (RFC 9110 §6.4.1, RFC 9112 §6.3).
[[nodiscard]] bool sends_body(status s, bool head_request) noexcept;

/// Appends the head of `r` (status line, field lines, empty line) to `out`.
///
/// Order: the status line, always `HTTP/1.1` whatever the request's version (RFC 9110 §6.2:
/// the version is the sender's); `Date` and `Server` from `opts` unless `r` has its own or
/// the option is empty; `Content-Length` from the body size, which HEAD keeps (RFC 9110
/// §9.3.2) and 1xx, 204 and 304 never get (RFC 9110 §8.6); `Connection: close` when
/// `!keep_alive`, or `Connection: keep-alive` when `keep_alive && http10` (RFC 9112 §9.3);
/// then the headers of `r` in order; then CRLF.
///
/// The framing is the body's: a Content-Length or Transfer-Encoding header in `r` is never
/// written, and a Connection header in `r` is dropped when the serializer writes its own.
/// A 1xx interim response gets only its status line and the headers of `r`.
///
/// The head is meant to go out as the first iovec of a gather write, followed by
/// `body_view` or `body_file` (STYLE.md §2.7 rule 5). `out` grows by at most one allocation
/// (its size is computed first) and nothing else allocates.
///
/// @returns the number of bytes appended, or `std::errc::invalid_argument`, with `out`
/// unchanged, when the head would be unsafe or malformed: a status outside 100–599, a header
/// name that is not a token (RFC 9110 §5.6.2), or a header value, `date` or `server` holding
/// CR, LF, NUL or another control byte except HTAB (RFC 9110 §5.5) — which is how response
/// splitting ("X: a\r\nSet-Cookie: b") is refused. Nothing is ever silently dropped.
[[nodiscard]] expected<std::size_t, std::error_code>
serialize_head(const response& r, const serialize_options& opts, std::string& out);

/// The string body to send after the head: `*r.body_string()`, or "" for HEAD, 1xx, 204, 304
/// (see `sends_body`) and for empty and file bodies. Valid while `r` is unchanged.
[[nodiscard]] std::string_view body_view(const response& r, bool head_request) noexcept;

/// The file range to send after the head with sendfile, or nullptr when there is none or
/// `sends_body(r.status(), head_request)` is false. Valid while `r` is unchanged.
[[nodiscard]] const file_range* body_file(const response& r, bool head_request) noexcept;

} // namespace weft::http

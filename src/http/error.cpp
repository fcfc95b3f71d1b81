#include <weft/http/error.hpp>

#include <algorithm>

#include <fmt/format.h>

namespace weft::http {

namespace {

class category final : public std::error_category {
  public:
    const char* name() const noexcept override { return "weft.http"; }
    std::string message(int value) const override {
        return std::string(describe(static_cast<http_errc>(value)));
    }
    std::error_condition default_error_condition(int value) const noexcept override {
        // Callers that only care "the peer sent garbage" compare with std::errc.
        return value == 0 ? std::error_condition{}
                          : std::make_error_condition(std::errc::bad_message);
    }
};

} // namespace

const std::error_category& http_category() noexcept {
    static const category instance;
    return instance;
}

std::error_code make_error_code(http_errc e) noexcept {
    return {static_cast<int>(e), http_category()};
}

status to_status(http_errc e) noexcept {
    switch (e) {
    case http_errc::uri_too_long:
        return status::uri_too_long;
    case http_errc::version_not_supported:
        return status::http_version_not_supported;
    case http_errc::headers_too_large:
    case http_errc::too_many_headers:
        return status::request_header_fields_too_large;
    case http_errc::unsupported_transfer_coding:
        return status::not_implemented;
    case http_errc::length_required:
        return status::length_required;
    case http_errc::body_too_large:
        return status::content_too_large;
    default:
        return status::bad_request;
    }
}

std::string_view describe(http_errc e) noexcept {
    switch (e) {
    case http_errc::bad_method:
        return "method is not a token";
    case http_errc::bad_target:
        return "invalid byte in the request-target";
    case http_errc::uri_too_long:
        return "request line too long";
    case http_errc::bad_version:
        return "malformed HTTP version";
    case http_errc::version_not_supported:
        return "HTTP version not supported (only HTTP/1.0 and HTTP/1.1)";
    case http_errc::bare_cr:
        return "CR not followed by LF";
    case http_errc::bad_field_name:
        return "invalid field name";
    case http_errc::whitespace_before_colon:
        return "whitespace between field name and colon";
    case http_errc::obs_fold:
        return "obs-fold line (line starts with whitespace)";
    case http_errc::bad_field_value:
        return "control character in field value";
    case http_errc::headers_too_large:
        return "header section too large";
    case http_errc::too_many_headers:
        return "too many header fields";
    case http_errc::bad_content_length:
        return "Content-Length is not a decimal number";
    case http_errc::conflicting_content_length:
        return "several different Content-Length values";
    case http_errc::content_length_with_transfer_encoding:
        return "both Content-Length and Transfer-Encoding";
    case http_errc::transfer_encoding_in_http10:
        return "Transfer-Encoding in an HTTP/1.0 request";
    case http_errc::chunked_not_final:
        return "chunked is not the final transfer coding";
    case http_errc::bad_transfer_encoding:
        return "malformed Transfer-Encoding";
    case http_errc::unsupported_transfer_coding:
        return "unsupported transfer coding";
    case http_errc::length_required:
        return "chunked request body not accepted; send Content-Length";
    case http_errc::missing_host:
        return "HTTP/1.1 request without Host";
    case http_errc::multiple_host:
        return "more than one Host";
    case http_errc::bad_host:
        return "invalid Host value";
    case http_errc::body_too_large:
        return "request body too large";
    case http_errc::bad_chunk_size:
        return "invalid chunk size";
    case http_errc::chunk_size_overflow:
        return "chunk size overflows";
    case http_errc::bad_chunk_extension:
        return "invalid chunk extension";
    case http_errc::chunk_line_too_long:
        return "chunk-size line too long";
    case http_errc::missing_chunk_crlf:
        return "chunk data not followed by CRLF";
    }
    return "invalid HTTP message";
}

std::string parse_error::message(std::string_view input) const {
    constexpr std::size_t context = 32;
    const std::size_t at = std::min<std::size_t>(offset, input.size());
    const std::size_t first = at > context ? at - context : 0;
    const std::size_t last = std::min(input.size(), at + context);
    std::string out;
    out.push_back('"');
    if (first > 0) {
        out += "...";
    }
    // Escaped so that CR, LF and control bytes are visible, never interpreted by a terminal.
    for (const char c : input.substr(first, last - first)) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '\r') {
            out += "\\r";
        } else if (c == '\n') {
            out += "\\n";
        } else if (u < 0x20 || u >= 0x7f || c == '"' || c == '\\') {
            out += fmt::format("\\x{:02x}", u);
        } else {
            out.push_back(c);
        }
    }
    if (last < input.size()) {
        out += "...";
    }
    out += "\": ";
    out += describe(code);
    out += fmt::format(" (at offset {})", offset);
    return out;
}

} // namespace weft::http

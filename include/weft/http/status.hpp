#pragma once

#include <cstdint>
#include <string_view>

namespace weft::http {

/// An HTTP response status code (RFC 9110 §15).
///
/// The enumerators are the codes weft sends or names in its own errors; any other three-digit
/// code can still be carried with a `static_cast<status>(n)`.
enum class status : std::uint16_t {
    continue_ = 100,           ///< RFC 9110 §15.2.1; the interim answer to `Expect: 100-continue`
    switching_protocols = 101, ///< RFC 9110 §15.2.2
    ok = 200,                  ///< RFC 9110 §15.3.1
    created = 201,             ///< RFC 9110 §15.3.2
    accepted = 202,            ///< RFC 9110 §15.3.3
    no_content = 204,          ///< RFC 9110 §15.3.5
    partial_content = 206,     ///< RFC 9110 §15.3.7
    moved_permanently = 301,   ///< RFC 9110 §15.4.2
    found = 302,               ///< RFC 9110 §15.4.3
    see_other = 303,           ///< RFC 9110 §15.4.4
    not_modified = 304,        ///< RFC 9110 §15.4.5
    temporary_redirect = 307,  ///< RFC 9110 §15.4.8
    permanent_redirect = 308,  ///< RFC 9110 §15.4.9
    bad_request = 400,         ///< RFC 9110 §15.5.1; malformed syntax or framing
    unauthorized = 401,        ///< RFC 9110 §15.5.2
    forbidden = 403,           ///< RFC 9110 §15.5.4
    not_found = 404,           ///< RFC 9110 §15.5.5
    method_not_allowed = 405,  ///< RFC 9110 §15.5.6
    request_timeout = 408,     ///< RFC 9110 §15.5.9
    length_required = 411,     ///< RFC 9110 §15.5.12
    precondition_failed = 412, ///< RFC 9110 §15.5.13
    content_too_large = 413,   ///< RFC 9110 §15.5.14 (formerly "Payload Too Large")
    uri_too_long = 414,        ///< RFC 9110 §15.5.15
    unsupported_media_type = 415,          ///< RFC 9110 §15.5.16
    range_not_satisfiable = 416,           ///< RFC 9110 §15.5.17
    expectation_failed = 417,              ///< RFC 9110 §15.5.18
    request_header_fields_too_large = 431, ///< RFC 6585 §5
    internal_server_error = 500,           ///< RFC 9110 §15.6.1
    not_implemented = 501,                 ///< RFC 9110 §15.6.2; e.g. an unknown transfer coding
    bad_gateway = 502,                     ///< RFC 9110 §15.6.3
    service_unavailable = 503,             ///< RFC 9110 §15.6.4
    gateway_timeout = 504,                 ///< RFC 9110 §15.6.5
    http_version_not_supported = 505,      ///< RFC 9110 §15.6.6
};

/// The numeric value of `s`. @returns `static_cast<std::uint16_t>(s)`
[[nodiscard]] constexpr std::uint16_t to_uint(status s) noexcept {
    return static_cast<std::uint16_t>(s);
}

/// The reason phrase weft sends for `s` ("Not Found"), or "" for a code it has no name for.
///
/// RFC 9112 §4: clients ignore the phrase, so an empty one is valid on the wire.
[[nodiscard]] std::string_view reason_phrase(status s) noexcept;

} // namespace weft::http

#pragma once

// Range requests (RFC 9110 §14): parsing `Range: bytes=...` and resolving it against a
// representation's length.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace weft::http {

/// One range-spec (RFC 9110 §14.1.2): `first-last`, `first-` (no last) or `-suffix` (no first;
/// `last` holds the suffix length).
struct range_spec {
    std::optional<std::uint64_t> first; ///< nullopt: a suffix range
    std::optional<std::uint64_t> last;  ///< last position, or the suffix length

    friend bool operator==(const range_spec&, const range_spec&) = default;
};

/// A resolved range: `length` bytes from `first`.
struct byte_range {
    std::uint64_t first = 0;
    std::uint64_t length = 0;

    friend bool operator==(const byte_range&, const byte_range&) = default;
};

/// Parses a Range value `bytes=0-99, 200-, -500` (the unit case-insensitively). @returns
/// nullopt when the value is invalid or uses another unit, which per RFC 9110 §14.2 makes
/// the server ignore the header and send the whole representation. Positions saturate at
/// 2^64-1 (still valid syntax, merely unsatisfiable).
[[nodiscard]] std::optional<std::vector<range_spec>> parse_range(std::string_view value);

/// The satisfiable ranges of `specs` for a representation of `size` bytes (size > 0), in the
/// order given: each lies within [0, size) and is non-empty. Empty: answer 416.
[[nodiscard]] std::vector<byte_range> satisfiable(const std::vector<range_spec>& specs,
                                                  std::uint64_t size);

/// Orders `ranges` by first byte and merges those that overlap or touch (RFC 9110 §14.3
/// lets a server do so), so no byte is sent twice.
void coalesce(std::vector<byte_range>& ranges);

} // namespace weft::http

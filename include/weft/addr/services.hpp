#pragma once

#include <weft/addr/port.hpp>

#include <cstddef>
#include <iterator>
#include <optional>
#include <string_view>
#include <vector>

namespace weft::addr {

/// One entry of a services(5) file such as /etc/services: `name port/protocol [alias...]`.
///
/// The views point into the text that was parsed and are valid as long as it is.
struct service_entry {
    /// The official service name: "ssh".
    std::string_view name;
    /// The port number: 22.
    weft::addr::port port;
    /// The protocol as written: "tcp", "udp", "sctp", "ddp".
    std::string_view protocol;
    /// The aliases as written, separated by spaces or tabs ("www" for http), or "" if none.
    std::string_view aliases;

    /// @returns whether `n` is the name or one of the aliases (case-sensitive, as in glibc).
    [[nodiscard]] constexpr bool has_name(std::string_view n) const noexcept;

    friend constexpr bool operator==(const service_entry&, const service_entry&) = default;
};

namespace detail {

constexpr bool is_services_space(char c) noexcept {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/// Skips leading blanks in `s`, removes the next token from it and returns the token ("" at
/// the end).
constexpr std::string_view next_services_token(std::string_view& s) noexcept {
    std::size_t i = 0;
    while (i < s.size() && is_services_space(s[i])) {
        ++i;
    }
    std::size_t j = i;
    while (j < s.size() && !is_services_space(s[j])) {
        ++j;
    }
    const std::string_view token = s.substr(i, j - i);
    s.remove_prefix(j);
    return token;
}

} // namespace detail

constexpr bool service_entry::has_name(std::string_view n) const noexcept {
    if (n == name) {
        return true;
    }
    std::string_view rest = aliases;
    for (auto a = detail::next_services_token(rest); !a.empty();
         a = detail::next_services_token(rest)) {
        if (a == n) {
            return true;
        }
    }
    return false;
}

/// Parses one line of services(5) text, without its '\n'.
///
/// A '#' anywhere starts a comment that runs to the end of the line. Fields are separated by
/// spaces or tabs; a trailing '\r' (CRLF files) is ignored.
/// @returns the entry, or nullopt for a blank or comment-only line and for a malformed one:
/// no "port/protocol" field, a port that port::parse rejects (so "022/tcp" and "70000/tcp"
/// are skipped, where glibc's strtoul would accept the first), or an empty protocol or one
/// containing a second '/'.
constexpr std::optional<service_entry> parse_service_line(std::string_view line) noexcept {
    line = line.substr(0, line.find('#'));
    const std::string_view name = detail::next_services_token(line);
    const std::string_view port_proto = detail::next_services_token(line);
    const std::size_t slash = port_proto.find('/');
    if (slash == std::string_view::npos) {
        return std::nullopt;
    }
    const auto p = port::parse(port_proto.substr(0, slash));
    const std::string_view protocol = port_proto.substr(slash + 1);
    if (!p || protocol.empty() || protocol.find('/') != std::string_view::npos) {
        return std::nullopt;
    }
    // The aliases run from the first to the end of the last, trailing blanks trimmed.
    std::size_t first = 0;
    while (first < line.size() && detail::is_services_space(line[first])) {
        ++first;
    }
    std::size_t last = line.size();
    while (last > first && detail::is_services_space(line[last - 1])) {
        --last;
    }
    return service_entry{name, *p, protocol, line.substr(first, last - first)};
}

/// A lazy, non-owning view of the entries in services(5) text, in file order.
///
/// The caller reads the file (addr does no I/O) and keeps the text alive while the view, its
/// iterators and the entries are used. Blank lines, comments and malformed lines (see
/// parse_service_line) are skipped silently, since services files in the wild carry odd
/// lines. Nothing allocates.
class services_view {
  public:
    /// A forward iterator over the entries (a C++20 forward_iterator; `*it` returns the entry
    /// by value, as std::ranges::iota_view does, so it is a C++17 input iterator only).
    class iterator {
      public:
        using value_type = service_entry;
        using difference_type = std::ptrdiff_t;
        using iterator_concept = std::forward_iterator_tag;
        using iterator_category = std::input_iterator_tag;

        /// The end iterator.
        constexpr iterator() noexcept = default;
        constexpr service_entry operator*() const noexcept { return entry_; }
        /// Points into the iterator: valid until it is advanced or destroyed.
        constexpr const service_entry* operator->() const noexcept { return &entry_; }
        constexpr iterator& operator++() noexcept {
            advance();
            return *this;
        }
        constexpr iterator operator++(int) noexcept {
            iterator old = *this;
            advance();
            return old;
        }
        /// Two iterators are equal when both are at the end or both are at the same line.
        friend constexpr bool operator==(const iterator& a, const iterator& b) noexcept {
            if (a.at_end_ || b.at_end_) {
                return a.at_end_ == b.at_end_;
            }
            return a.rest_.data() == b.rest_.data() && a.rest_.size() == b.rest_.size();
        }

      private:
        friend class services_view;
        constexpr explicit iterator(std::string_view text) noexcept : rest_(text), at_end_(false) {
            advance();
        }
        constexpr void advance() noexcept {
            while (!rest_.empty()) {
                const std::size_t nl = rest_.find('\n');
                const std::string_view line = rest_.substr(0, nl);
                rest_.remove_prefix(nl == std::string_view::npos ? rest_.size() : nl + 1);
                if (auto e = parse_service_line(line)) {
                    entry_ = *e;
                    return;
                }
            }
            at_end_ = true;
        }

        std::string_view rest_; // the text after the current entry's line
        service_entry entry_{};
        bool at_end_ = true;
    };

    constexpr services_view() noexcept = default;
    /// Views `text`, the whole content of a services(5) file.
    constexpr explicit services_view(std::string_view text) noexcept : text_(text) {}

    [[nodiscard]] constexpr iterator begin() const noexcept { return iterator(text_); }
    [[nodiscard]] constexpr iterator end() const noexcept { return iterator(); }

  private:
    std::string_view text_;
};

/// Every entry of services(5) `text`, in file order; malformed lines are skipped as in
/// services_view. The views point into `text`.
[[nodiscard]] std::vector<service_entry> parse_services(std::string_view text);

/// The entries for port `p` in any protocol (ssh/tcp, ssh/udp, ...), in file order.
[[nodiscard]] std::vector<service_entry> lookup(std::string_view text, port p);

/// The first entry for port `p` and `protocol` ("tcp"), or nullopt: getservbyport(3).
[[nodiscard]] std::optional<service_entry> lookup(std::string_view text, port p,
                                                  std::string_view protocol) noexcept;

/// The port of the first entry whose name or alias is `name` and whose protocol is
/// `protocol` (any protocol if `protocol` is empty), or nullopt: getservbyname(3). Names and
/// protocols compare case-sensitively, as in glibc.
[[nodiscard]] std::optional<port> lookup(std::string_view text, std::string_view name,
                                         std::string_view protocol) noexcept;

} // namespace weft::addr

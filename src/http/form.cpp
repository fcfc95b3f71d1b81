#include "detail/text.hpp"

#include <weft/http/form.hpp>

#include <fmt/format.h>

namespace weft::http {
namespace {

// Decodes one name or value; `base` is its offset in the whole input, for errors.
expected<std::string, form_error> decode_component(std::string_view text, std::size_t base) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+') {
            out.push_back(' ');
        } else if (c == '%') {
            const int hi = i + 2 < text.size() ? detail::hex_value(text[i + 1]) : -1;
            const int lo = i + 2 < text.size() ? detail::hex_value(text[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                return unexpected(form_error{base + i, "'%' not followed by two hex digits"});
            }
            const char byte = static_cast<char>(hi * 16 + lo);
            if (byte == '\0') {
                return unexpected(form_error{base + i, "an encoded NUL byte (%00)"});
            }
            out.push_back(byte);
            i += 2;
        } else if (c == '\0') {
            return unexpected(form_error{base + i, "a NUL byte"});
        } else {
            out.push_back(c);
        }
    }
    return out;
}

bool is_unreserved(unsigned char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '*';
}

void encode_component(std::string_view text, std::string& out) {
    constexpr std::string_view hex = "0123456789ABCDEF";
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (is_unreserved(c)) {
            out.push_back(ch);
        } else if (c == ' ') {
            out.push_back('+');
        } else {
            out.push_back('%');
            out.push_back(hex[c >> 4]);
            out.push_back(hex[c & 15]);
        }
    }
}

} // namespace

std::string form_error::to_string(std::string_view input) const {
    return fmt::format("\"{}\": {} (at offset {})", input, message, offset);
}

expected<form_data, form_error> form_data::parse(std::string_view text) {
    form_data out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        std::size_t amp = text.find('&', pos);
        if (amp == std::string_view::npos) {
            amp = text.size();
        }
        const std::string_view pair = text.substr(pos, amp - pos);
        if (!pair.empty()) {
            const std::size_t eq = pair.find('=');
            const std::string_view name = pair.substr(0, eq);
            const std::string_view value =
                eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
            auto n = decode_component(name, pos);
            if (!n) {
                return unexpected(n.error());
            }
            auto v = decode_component(value, pos + (eq == std::string_view::npos ? 0 : eq + 1));
            if (!v) {
                return unexpected(v.error());
            }
            out.entries_.emplace_back(std::move(*n), std::move(*v));
        }
        pos = amp + 1;
    }
    return out;
}

std::optional<std::string_view> form_data::get(std::string_view name) const noexcept {
    for (const auto& [n, v] : entries_) {
        if (n == name) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> form_data::get_all(std::string_view name) const {
    std::vector<std::string_view> out;
    for (const auto& [n, v] : entries_) {
        if (n == name) {
            out.emplace_back(v);
        }
    }
    return out;
}

std::string form_data::encode() const {
    std::string out;
    for (const auto& [n, v] : entries_) {
        if (!out.empty()) {
            out.push_back('&');
        }
        encode_component(n, out);
        out.push_back('=');
        encode_component(v, out);
    }
    return out;
}

} // namespace weft::http

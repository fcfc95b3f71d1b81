#include "detail/text.hpp"

#include <weft/http/target_path.hpp>

#include <vector>

namespace weft::http {

namespace {

// Decodes one segment; a decoded '/' or '\\' is refused so it can never split a segment.
expected<std::string, path_error> decode_segment(std::string_view segment) {
    auto decoded = percent_decode(segment);
    if (!decoded) {
        return decoded;
    }
    if (decoded->find_first_of("/\\") != std::string::npos) {
        return unexpected(path_error::encoded_slash);
    }
    return decoded;
}

} // namespace

std::string_view describe(path_error e) noexcept {
    switch (e) {
    case path_error::not_absolute:
        return "request path must start with '/'";
    case path_error::bad_escape:
        return "'%' must be followed by two hex digits";
    case path_error::nul:
        return "NUL byte in the path";
    case path_error::control:
        return "control character in the path";
    case path_error::encoded_slash:
        return "encoded '/' or '\\' inside a path segment";
    case path_error::escapes_root:
        return "\"..\" climbs above the document root";
    }
    return "bad path";
}

expected<std::string, path_error> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '%') {
            const int hi = i + 1 < text.size() ? detail::hex_value(text[i + 1]) : -1;
            const int lo = i + 2 < text.size() ? detail::hex_value(text[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                return unexpected(path_error::bad_escape);
            }
            c = static_cast<char>(hi * 16 + lo);
            i += 2;
        }
        const auto u = static_cast<unsigned char>(c);
        if (u == 0) {
            return unexpected(path_error::nul);
        }
        if (u < 0x20 || u == 0x7f) {
            return unexpected(path_error::control);
        }
        out.push_back(c);
    }
    return out;
}

expected<safe_path, path_error> make_safe_path(std::string_view target_path) {
    if (target_path.empty() || target_path[0] != '/') {
        return unexpected(path_error::not_absolute);
    }
    std::vector<std::string> segments;
    std::size_t pos = 1;
    bool directory = true;
    while (pos <= target_path.size()) {
        const std::size_t slash = target_path.find('/', pos);
        const std::size_t end = slash == std::string_view::npos ? target_path.size() : slash;
        const std::string_view raw = target_path.substr(pos, end - pos);
        auto segment = decode_segment(raw);
        if (!segment) {
            return unexpected(segment.error());
        }
        const bool last = slash == std::string_view::npos;
        if (segment->empty() || *segment == ".") {
            directory = true;
        } else if (*segment == "..") {
            if (segments.empty()) {
                return unexpected(path_error::escapes_root);
            }
            segments.pop_back();
            directory = true;
        } else {
            segments.push_back(std::move(*segment));
            directory = false;
        }
        if (last) {
            break;
        }
        pos = slash + 1;
    }
    safe_path out;
    for (const auto& s : segments) {
        if (!out.relative.empty()) {
            out.relative.push_back('/');
        }
        out.relative += s;
    }
    out.directory = directory; // the last segment was empty, "." or "..": "/a/", "/a/.."
    return out;
}

} // namespace weft::http

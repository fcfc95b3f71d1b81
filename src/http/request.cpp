#include <weft/http/request.hpp>

#include <algorithm>

namespace weft::http {
namespace {

std::string_view before_query(std::string_view target) noexcept {
    return target.substr(0, target.find('?'));
}

// The media type of a Content-Type value, without parameters or surrounding whitespace.
std::string_view media_type(std::string_view value) noexcept {
    value = value.substr(0, value.find(';'));
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) {
        value.remove_suffix(1);
    }
    return value;
}

} // namespace

std::string_view request::path() const noexcept {
    std::string_view t = head_->target;
    if (!t.empty() && t.front() != '/' && t != "*") {
        // absolute-form: scheme "://" authority path-abempty [ "?" query ]
        const auto scheme_end = t.find("://");
        if (scheme_end != std::string_view::npos) {
            const auto path_begin = t.find_first_of("/?", scheme_end + 3);
            if (path_begin == std::string_view::npos || t[path_begin] == '?') {
                return "/";
            }
            t.remove_prefix(path_begin);
        }
    }
    return before_query(t);
}

std::string_view request::raw_query() const noexcept {
    const auto q = head_->target.find('?');
    return q == std::string_view::npos ? std::string_view() : head_->target.substr(q + 1);
}

bool request::has_media_type(std::string_view media) const noexcept {
    const auto type = header("Content-Type");
    return type && detail::iequals(media_type(*type), media);
}

expected<form_data, form_error> request::form() const {
    if (!has_media_type("application/x-www-form-urlencoded")) {
        return unexpected(
            form_error{0, "the body is not application/x-www-form-urlencoded (Content-Type)"});
    }
    return form_data::parse(body_);
}

task<expected<std::string_view, std::error_code>> request::read_body() {
    if (source_ != nullptr) {
        co_return co_await source_->next();
    }
    if (body_taken_) {
        co_return std::string_view();
    }
    body_taken_ = true;
    co_return body_;
}

std::optional<std::string_view> request::param(std::string_view name) const noexcept {
    for (const auto& p : params_) {
        if (p.name == name) {
            return std::string_view(p.value);
        }
    }
    return std::nullopt;
}

void request::set_value(std::string name, std::string value) {
    const auto it = std::find_if(values_.begin(), values_.end(),
                                 [&](const auto& v) { return v.first == name; });
    if (it != values_.end()) {
        it->second = std::move(value);
    } else {
        values_.emplace_back(std::move(name), std::move(value));
    }
}

std::optional<std::string_view> request::value(std::string_view name) const noexcept {
    for (const auto& [n, v] : values_) {
        if (n == name) {
            return std::string_view(v);
        }
    }
    return std::nullopt;
}

} // namespace weft::http

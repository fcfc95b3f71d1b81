#include <weft/http/router.hpp>
#include <weft/http/target_path.hpp>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace weft::http {
namespace {

// The routes that end at one pattern, by method.
struct endpoint {
    std::string pattern;
    std::vector<std::pair<std::string, handler>> methods;
    std::vector<std::string> streamed; // methods whose bodies are streamed to the handler

    [[nodiscard]] const handler* find(std::string_view method) const noexcept {
        for (const auto& [m, h] : methods) {
            if (m == method) {
                return &h;
            }
        }
        return nullptr;
    }

    // "GET, HEAD, OPTIONS, POST": what Allow says for this pattern (RFC 9110 §10.2.1).
    [[nodiscard]] std::string allow() const {
        std::vector<std::string_view> names;
        for (const auto& [m, h] : methods) {
            names.emplace_back(m);
        }
        if (find("GET") != nullptr && find("HEAD") == nullptr) {
            names.emplace_back("HEAD");
        }
        if (find("OPTIONS") == nullptr) {
            names.emplace_back("OPTIONS");
        }
        std::sort(names.begin(), names.end());
        return fmt::format("{}", fmt::join(names, ", "));
    }
};

struct node {
    std::vector<std::pair<std::string, std::unique_ptr<node>>> literals;
    std::string param_name; // of param_child
    std::unique_ptr<node> param_child;
    std::string wildcard_name;
    std::unique_ptr<endpoint> wildcard; // "{*name}" as the last segment after this node
    std::unique_ptr<endpoint> here;     // patterns that end at this node
};

bool is_param(std::string_view segment) noexcept {
    return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

std::string_view param_name_of(std::string_view segment) noexcept {
    return segment.substr(1, segment.size() - 2);
}

bool valid_name(std::string_view name) noexcept {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
    });
}

[[noreturn]] void bad_pattern(std::string_view pattern, std::string_view why) {
    throw std::invalid_argument(fmt::format("route \"{}\": {}", pattern, why));
}

// Splits "/a/b/" into {"a", "b", ""}; "/" into {""}.
std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    path.remove_prefix(1);
    for (;;) {
        const auto slash = path.find('/');
        out.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) {
            break;
        }
        path.remove_prefix(slash + 1);
    }
    return out;
}

// The segment as a literal route sees it: decoded when it has escapes (so "/caf%C3%A9"
// matches the literal "café"), or not at all when the escape is bad.
bool literal_matches(std::string_view literal, std::string_view segment) {
    if (literal == segment) {
        return true;
    }
    if (segment.find('%') == std::string_view::npos) {
        return false;
    }
    auto decoded = percent_decode(segment);
    return decoded && *decoded == literal;
}

struct match_result {
    const endpoint* found = nullptr;
    std::vector<std::pair<std::string_view, std::string_view>> raw_params; // name, raw value
};

// Depth-first: literal, then parameter, then wildcard; the first complete match wins.
// `pos` is where the current segment of `path` starts, npos past the last one: segments are
// found as the walk goes, so matching allocates nothing (unless a parameter is captured).
bool match(const node& n, std::string_view path, std::size_t pos, match_result& out) {
    if (pos == std::string_view::npos) {
        if (n.here) {
            out.found = n.here.get();
            return true;
        }
        return false;
    }
    const auto slash = path.find('/', pos);
    const std::string_view seg =
        path.substr(pos, slash == std::string_view::npos ? std::string_view::npos : slash - pos);
    const std::size_t next = slash == std::string_view::npos ? slash : slash + 1;
    for (const auto& [literal, child] : n.literals) {
        if (literal_matches(literal, seg) && match(*child, path, next, out)) {
            return true;
        }
    }
    if (n.param_child && !seg.empty()) {
        out.raw_params.emplace_back(n.param_name, seg);
        if (match(*n.param_child, path, next, out)) {
            return true;
        }
        out.raw_params.pop_back();
    }
    if (n.wildcard) {
        // The rest of the raw path from this segment on, slashes and all.
        out.raw_params.emplace_back(n.wildcard_name, path.substr(pos));
        out.found = n.wildcard.get();
        return true;
    }
    return false;
}

} // namespace

task<response> ready(response r) {
    co_return r;
}

struct router::impl {
    node root;
    std::vector<middleware> middlewares;
    handler fallback;
    handler entry; // the middleware chain around dispatch
    std::vector<std::string> all_methods;

    impl() { rebuild(); }

    void rebuild() {
        entry = [this](request& r) { return dispatch(r); };
        for (auto it = middlewares.rbegin(); it != middlewares.rend(); ++it) {
            entry = [mw = *it, next = std::move(entry)](request& r) { return mw(r, next); };
        }
    }

    bool any_streamed = false;

    void add(std::string_view method, std::string_view pattern, handler h, bool stream) {
        if (pattern.empty() || pattern.front() != '/') {
            bad_pattern(pattern, "a pattern must start with '/'");
        }
        if (method.empty() || !std::all_of(method.begin(), method.end(), detail::is_token_char)) {
            bad_pattern(pattern, fmt::format("\"{}\" is not a method token", method));
        }
        if (!h) {
            bad_pattern(pattern, "the handler is empty");
        }
        const auto segments = split_path(pattern);
        node* n = &root;
        std::unique_ptr<endpoint>* slot = nullptr;
        for (std::size_t i = 0; i < segments.size(); ++i) {
            const std::string_view seg = segments[i];
            if (is_param(seg)) {
                const std::string_view name = param_name_of(seg);
                if (!name.empty() && name.front() == '*') {
                    if (i + 1 != segments.size()) {
                        bad_pattern(pattern, "a wildcard {*name} must be the last segment");
                    }
                    if (!valid_name(name.substr(1))) {
                        bad_pattern(pattern, "a wildcard needs a name: {*name}");
                    }
                    if (n->wildcard && n->wildcard_name != name.substr(1)) {
                        bad_pattern(pattern, fmt::format("conflicts with wildcard {{*{}}}",
                                                         n->wildcard_name));
                    }
                    n->wildcard_name = name.substr(1);
                    slot = &n->wildcard;
                    break;
                }
                if (!valid_name(name)) {
                    bad_pattern(pattern, "a parameter needs a name of letters, digits, _ or -");
                }
                if (n->param_child && n->param_name != name) {
                    bad_pattern(pattern,
                                fmt::format("conflicts with parameter {{{}}}", n->param_name));
                }
                if (!n->param_child) {
                    n->param_child = std::make_unique<node>();
                    n->param_name = name;
                }
                n = n->param_child.get();
            } else {
                if (seg.find_first_of("{}") != std::string_view::npos) {
                    bad_pattern(pattern, "braces must enclose a whole segment: /{name}");
                }
                auto it = std::find_if(n->literals.begin(), n->literals.end(),
                                       [&](const auto& l) { return l.first == seg; });
                if (it == n->literals.end()) {
                    n->literals.emplace_back(std::string(seg), std::make_unique<node>());
                    it = std::prev(n->literals.end());
                }
                n = it->second.get();
            }
            if (i + 1 == segments.size()) {
                slot = &n->here;
            }
        }
        if (!*slot) {
            *slot = std::make_unique<endpoint>();
            (*slot)->pattern = std::string(pattern);
        }
        if ((*slot)->find(method) != nullptr) {
            bad_pattern(pattern, fmt::format("{} is already routed", method));
        }
        (*slot)->methods.emplace_back(std::string(method), std::move(h));
        if (stream) {
            (*slot)->streamed.emplace_back(method);
            any_streamed = true;
        }
        if (std::find(all_methods.begin(), all_methods.end(), method) == all_methods.end()) {
            all_methods.emplace_back(method);
        }
    }

    [[nodiscard]] task<response> not_found(request& r) const {
        if (fallback) {
            return fallback(r);
        }
        return ready(
            response::problem(status::not_found, fmt::format("no route for {}", r.path())));
    }

    [[nodiscard]] task<response> dispatch(request& r) const {
        const std::string_view path = r.path();
        if (path == "*") {
            if (r.method() != "OPTIONS") {
                return ready(response::problem(status::bad_request, "'*' is only for OPTIONS"));
            }
            response out = response::empty(status::no_content);
            endpoint every;
            for (const auto& m : all_methods) {
                every.methods.emplace_back(m, handler());
            }
            out.set("Allow", every.allow());
            return ready(std::move(out));
        }
        if (path.empty() || path.front() != '/') {
            return ready(response::problem(status::bad_request, "the target is not a path"));
        }
        match_result m;
        if (!match(root, path, 1, m)) {
            return not_found(r);
        }
        const handler* h = m.found->find(r.method());
        if (h == nullptr && r.method() == "HEAD") {
            h = m.found->find("GET");
        }
        if (h == nullptr) {
            if (r.method() == "OPTIONS") {
                response out = response::empty(status::no_content);
                out.set("Allow", m.found->allow());
                return ready(std::move(out));
            }
            response out = response::problem(
                status::method_not_allowed,
                fmt::format("{} is not allowed on {}", r.method(), m.found->pattern));
            out.set("Allow", m.found->allow());
            return ready(std::move(out));
        }
        std::vector<path_param> params;
        params.reserve(m.raw_params.size());
        for (const auto& [name, raw] : m.raw_params) {
            auto value = percent_decode(raw);
            if (!value) {
                return ready(response::problem(
                    status::bad_request,
                    fmt::format("path parameter {}: {}", name, describe(value.error()))));
            }
            params.push_back(path_param{name, std::move(*value)});
        }
        r.set_match(m.found->pattern, std::move(params));
        return (*h)(r);
    }
};

router::router() : impl_(std::make_shared<impl>()) {}

router& router::route(std::string_view method, std::string_view pattern, handler h) {
    impl_->add(method, pattern, std::move(h), false);
    return *this;
}

router& router::stream(std::string_view method, std::string_view pattern, handler h) {
    impl_->add(method, pattern, std::move(h), true);
    return *this;
}

bool router::streams(const request_head& head) const {
    const impl& i = *impl_;
    if (!i.any_streamed || !head.has_body()) {
        return false;
    }
    const std::string_view path = request(head, {}).path();
    if (path.empty() || path.front() != '/') {
        return false;
    }
    match_result m;
    if (!match(i.root, path, 1, m)) {
        return false;
    }
    const auto& s = m.found->streamed;
    return std::find(s.begin(), s.end(), head.method) != s.end();
}

std::function<bool(const request_head&)> router::stream_predicate() const {
    if (!impl_->any_streamed) {
        return {};
    }
    return [r = *this](const request_head& head) { return r.streams(head); };
}

router& router::use(middleware m) {
    if (!m) {
        throw std::invalid_argument("router::use: empty middleware");
    }
    impl_->middlewares.push_back(std::move(m));
    impl_->rebuild();
    return *this;
}

router& router::fallback(handler h) {
    impl_->fallback = std::move(h);
    return *this;
}

task<response> router::handle(request& r) const {
    return impl_->entry(r);
}

handler router::to_handler() const {
    return [state = impl_](request& r) { return state->entry(r); };
}

} // namespace weft::http

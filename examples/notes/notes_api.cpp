// The /api/notes routes (see notes_api.hpp): JSON in and out, validation, status codes.

#include "notes_api.hpp"

#include "note.hpp"
#include "notes_openapi.hpp"
#include "notes_store.hpp"

#include <weft/http/form.hpp>
#include <weft/http/json.hpp>
#include <weft/http/request.hpp>
#include <weft/http/response.hpp>
#include <weft/http/status.hpp>

#include <algorithm>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <fmt/format.h>

namespace weft::notes {
namespace {

using http::response;
using http::status;

// A decimal number that fits an int64, digits only (no sign, no spaces); else nullopt.
std::optional<std::int64_t> parse_decimal(std::string_view s) {
    if (s.empty() ||
        !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    std::int64_t n = 0;
    const auto [end, err] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (err != std::errc{} || end != s.data() + s.size()) {
        return std::nullopt; // too large
    }
    return n;
}

// 400 naming a path or query parameter: the problem document carries "parameter" too, so a
// client can tell which without reading the detail.
response bad_parameter(std::string_view where, std::string_view name, std::string_view rule,
                       std::string_view got) {
    constexpr auto s = status::bad_request;
    const std::string_view shown = got.substr(0, 40);
    boost::json::object doc;
    doc["title"] = http::reason_phrase(s);
    doc["status"] = http::to_uint(s);
    doc["detail"] =
        http::to_json_value(fmt::format("{} parameter {}: must be {}, got \"{}{}\"", where, name,
                                        rule, shown, shown.size() < got.size() ? "..." : ""));
    doc["parameter"] = name;
    return response::text(s, boost::json::serialize(doc), "application/problem+json");
}

// Characters (code points) of valid UTF-8, which is what the JSON reader hands out: every byte
// but continuation bytes starts one.
std::size_t characters(std::string_view s) {
    std::size_t n = 0;
    for (const char c : s) {
        n += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
    }
    return n;
}

// 400 naming the JSON path of a value that parsed but breaks a rule ("$.title": too long).
response invalid_field(std::string path, std::string message) {
    http::json_error error;
    error.path = std::move(path);
    error.message = std::move(message);
    return http::json_error_response(error);
}

// The store failed (disk full, a corrupt file): the details go to the log, not to the client.
response storage_error(const std::string& what) {
    fmt::print(stderr, "notes: {}\n", what);
    std::fflush(stderr);
    return response::problem(status::internal_server_error, "the notes database failed");
}

response no_such_note(std::string_view id) {
    return response::problem(status::not_found, fmt::format("no note with id {}", id));
}

// The id in the path: a decimal integer from 1 to max_id. Anything else (abc, -1, 1.5, 0, a
// number too large) is a 400 naming the parameter: it is not an id at all, so "not found"
// would mislead.
expected<std::int64_t, response> note_id(const http::request& r) {
    const std::string_view text = r.param("id").value_or("");
    const auto id = parse_decimal(text);
    if (!id || *id < 1) {
        return unexpected(
            bad_parameter("path", "id", fmt::format("an integer from 1 to {}", max_id), text));
    }
    return *id;
}

// POST and PUT take JSON only (RFC 9110 §15.5.16): "application/json", any parameters, any case.
std::optional<response> require_json(const http::request& r) {
    const auto type = r.header("Content-Type");
    const bool ok = r.has_media_type("application/json");
    if (ok) {
        return std::nullopt;
    }
    auto answer = response::problem(
        status::unsupported_media_type,
        type ? fmt::format("expected Content-Type application/json, got \"{}\"", *type)
             : std::string("expected Content-Type application/json, got none"));
    answer.set("Accept", "application/json");
    return answer;
}

// The body of a POST or PUT as a valid note_input, or the response that says what is wrong.
expected<note_input, response> read_input(const http::request& r) {
    if (auto refused = require_json(r)) {
        return unexpected(std::move(*refused));
    }
    auto input = http::read_json<note_input>(r.body());
    if (!input) {
        return input;
    }
    const std::size_t title = characters(input->title);
    if (title == 0 || title > max_title) {
        return unexpected(invalid_field(
            "$.title", fmt::format("must be 1 to {} characters, got {}", max_title, title)));
    }
    if (input->body && characters(*input->body) > max_body) {
        return unexpected(
            invalid_field("$.body", fmt::format("must be at most {} characters, got {}", max_body,
                                                characters(*input->body))));
    }
    return input;
}

// A query parameter that must be a decimal integer in [low, high]; `fallback` when absent.
expected<std::int64_t, response> query_number(const http::form_data& q, std::string_view name,
                                              std::int64_t fallback, std::int64_t low,
                                              std::int64_t high, std::string_view rule) {
    const auto text = q.get(name);
    if (!text) {
        return fallback;
    }
    const auto n = parse_decimal(*text);
    if (!n || *n < low || *n > high) {
        return unexpected(bad_parameter("query", name, rule, *text));
    }
    return *n;
}

task<response> list_notes(std::shared_ptr<store> db, http::request& r) {
    const auto query = r.query();
    if (!query) {
        co_return response::problem(status::bad_request,
                                    "query: " + query.error().to_string(r.raw_query()));
    }
    const auto limit = query_number(*query, "limit", default_limit, 1, max_limit,
                                    fmt::format("an integer from 1 to {}", max_limit));
    if (!limit) {
        co_return limit.error();
    }
    const auto offset = query_number(*query, "offset", 0, 0, max_offset,
                                     fmt::format("an integer from 0 to {}", max_offset));
    if (!offset) {
        co_return offset.error();
    }
    auto page = db->page(*limit, *offset);
    if (!page) {
        co_return storage_error(page.error());
    }
    auto answer = http::json_response(status::ok, *page);
    answer.set("Cache-Control", "no-store");
    co_return answer;
}

task<response> get_note(std::shared_ptr<store> db, http::request& r) {
    const auto id = note_id(r);
    if (!id) {
        co_return id.error();
    }
    auto found = db->get(*id);
    if (!found) {
        co_return storage_error(found.error());
    }
    if (!*found) {
        co_return no_such_note(r.param("id").value_or(""));
    }
    auto answer = http::json_response(status::ok, **found);
    answer.set("Cache-Control", "no-store");
    co_return answer;
}

task<response> create_note(std::shared_ptr<store> db, http::request& r) {
    auto input = read_input(r);
    if (!input) {
        co_return std::move(input.error());
    }
    auto created = db->create(input->title, input->body.value_or(""));
    if (!created) {
        co_return storage_error(created.error());
    }
    auto answer = http::json_response(status::created, *created);
    answer.set("Location", fmt::format("/api/notes/{}", created->id));
    co_return answer;
}

task<response> replace_note(std::shared_ptr<store> db, http::request& r) {
    const auto id = note_id(r);
    if (!id) {
        co_return id.error();
    }
    auto input = read_input(r);
    if (!input) {
        co_return std::move(input.error());
    }
    auto updated = db->update(*id, input->title, input->body.value_or(""));
    if (!updated) {
        co_return storage_error(updated.error());
    }
    if (!*updated) {
        co_return no_such_note(r.param("id").value_or(""));
    }
    co_return http::json_response(status::ok, **updated);
}

task<response> delete_note(std::shared_ptr<store> db, http::request& r) {
    const auto id = note_id(r);
    if (!id) {
        co_return id.error();
    }
    auto removed = db->remove(*id);
    if (!removed) {
        co_return storage_error(removed.error());
    }
    if (!*removed) {
        co_return no_such_note(r.param("id").value_or(""));
    }
    co_return response::empty(status::no_content);
}

task<response> serve_openapi(std::shared_ptr<const std::string> document) {
    auto answer = response::text(status::ok, *document, "application/json");
    answer.set("Cache-Control", "no-cache");
    co_return answer;
}

} // namespace

expected<std::shared_ptr<store>, std::string> open_store(const std::string& path) {
    return store::open(path);
}

// The lambdas capture the store and hand it to a coroutine by value: a capturing lambda must
// not itself be the coroutine, since its captures die before the coroutine runs (CP.51).
void add_routes(http::router& r, std::shared_ptr<store> db) {
    r.get("/api/notes", [db](http::request& q) { return list_notes(db, q); });
    r.post("/api/notes", [db](http::request& q) { return create_note(db, q); });
    r.get("/api/notes/{id}", [db](http::request& q) { return get_note(db, q); });
    r.put("/api/notes/{id}", [db](http::request& q) { return replace_note(db, q); });
    r.del("/api/notes/{id}", [db](http::request& q) { return delete_note(db, q); });
    // Built once, from the same described types the handlers use (notes_openapi.cpp).
    auto document = std::make_shared<const std::string>(boost::json::serialize(openapi_document()));
    r.get("/api/openapi.json", [document](http::request&) { return serve_openapi(document); });
}

} // namespace weft::notes

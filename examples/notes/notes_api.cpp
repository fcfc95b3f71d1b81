// The /api/notes routes (see notes_api.hpp): JSON in and out, validation, status codes.

#include "notes_api.hpp"

#include "note.hpp"
#include "notes_store.hpp"

#include <weft/http/form.hpp>
#include <weft/http/json.hpp>
#include <weft/http/request.hpp>
#include <weft/http/response.hpp>
#include <weft/http/status.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <fmt/format.h>

namespace weft::notes {
namespace {

using http::response;
using http::status;

constexpr std::int64_t default_limit = 20;
constexpr std::int64_t max_limit = 100;
constexpr std::size_t max_title = 200;  // characters
constexpr std::size_t max_body = 10000; // characters

// A decimal number of at most 18 digits (so it fits an int64), nothing else; else nullopt.
std::optional<std::int64_t> parse_decimal(std::string_view s) {
    if (s.empty() || s.size() > 18) {
        return std::nullopt;
    }
    std::int64_t n = 0;
    for (const char c : s) {
        if (c < '0' || c > '9') {
            return std::nullopt;
        }
        n = n * 10 + (c - '0');
    }
    return n;
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

// The id in the path, when it is a positive decimal number; anything else names no note.
std::optional<std::int64_t> note_id(const http::request& r) {
    const auto text = r.param("id");
    const auto id = text ? parse_decimal(*text) : std::nullopt;
    if (!id || *id <= 0) {
        return std::nullopt;
    }
    return id;
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
        return unexpected(response::problem(
            status::bad_request, fmt::format("query parameter {}: must be {}, got \"{}\"", name,
                                             rule, text->substr(0, 40))));
    }
    return *n;
}

task<response> list_notes(std::shared_ptr<store> db, http::request& r) {
    const auto query = r.query();
    if (!query) {
        co_return response::problem(status::bad_request,
                                    "query: " + query.error().to_string(r.raw_query()));
    }
    const auto limit =
        query_number(*query, "limit", default_limit, 1, max_limit, "an integer from 1 to 100");
    if (!limit) {
        co_return limit.error();
    }
    // Bounded so SQLite's signed OFFSET arithmetic can never overflow.
    const auto offset =
        query_number(*query, "offset", 0, 0, std::int64_t{1} << 53, "a non-negative integer");
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
        co_return no_such_note(r.param("id").value_or(""));
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
        co_return no_such_note(r.param("id").value_or(""));
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
        co_return no_such_note(r.param("id").value_or(""));
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
}

} // namespace weft::notes

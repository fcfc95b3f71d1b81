#pragma once

// The notes demo's JSON shapes, described for weft::http's from_json / to_json and for the
// JSON Schemas of its OpenAPI document (notes_openapi.cpp), with the rules the handlers check.

#include <weft/http/json.hpp>
#include <weft/http/json_schema.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <boost/describe/class.hpp>

namespace weft::notes {

/// A title has 1..max_title characters (Unicode code points, as JSON Schema counts them).
inline constexpr std::size_t max_title = 200;
/// A body has at most max_body characters; it may be empty.
inline constexpr std::size_t max_body = 10000;
/// GET /api/notes: `limit` is 1..max_limit, default_limit when absent.
inline constexpr std::int64_t default_limit = 20;
inline constexpr std::int64_t max_limit = 100;
/// GET /api/notes: `offset` is 0..max_offset (bounded so SQLite's OFFSET arithmetic cannot
/// overflow).
inline constexpr std::int64_t max_offset = std::int64_t{1} << 53;
/// A note id is 1..max_id.
inline constexpr std::int64_t max_id = std::numeric_limits<std::int64_t>::max();

/// One stored note, as the API returns it.
struct note {
    std::int64_t id = 0;
    std::string title;   ///< 1..200 characters
    std::string body;    ///< at most 10,000 characters; may be empty
    std::string created; ///< RFC 3339, UTC, e.g. "2024-05-01T12:34:56.789Z"
    std::string updated; ///< RFC 3339, UTC; equals `created` until the first PUT
};
BOOST_DESCRIBE_STRUCT(note, (), (id, title, body, created, updated))

/// What POST and PUT accept: `title` is required, `body` defaults to "". Any other member is
/// a 400 naming it ("$.bdy: unknown field; expected title, body"), so a typo is not lost.
struct note_input {
    std::string title;
    std::optional<std::string> body;
};
BOOST_DESCRIBE_STRUCT(note_input, (), (title, body))

/// A page of notes, newest first, as GET /api/notes returns it.
struct note_page {
    std::vector<note> notes;
    std::int64_t total = 0; ///< every note in the store, not just this page
    std::int64_t limit = 0;
    std::int64_t offset = 0;
};
BOOST_DESCRIBE_STRUCT(note_page, (), (notes, total, limit, offset))

/// Every error's body: an RFC 9457 problem document (`application/problem+json`), as
/// `http::response::problem` and `http::json_error_response` write it, plus what this API adds.
struct problem {
    std::string title;                    ///< the status's reason phrase, "Bad Request"
    std::uint16_t status = 0;             ///< the response's status code
    std::string detail;                   ///< what was wrong, for people
    std::optional<std::string> path;      ///< a JSON body's error: the JSONPath of the value
    std::optional<std::uint64_t> offset;  ///< a JSON syntax error: byte offset
    std::optional<std::uint64_t> line;    ///< a JSON syntax error: 1-based line
    std::optional<std::uint64_t> column;  ///< a JSON syntax error: 1-based column
    std::optional<std::string> parameter; ///< a bad path or query parameter: its name
};
BOOST_DESCRIBE_STRUCT(problem, (), (title, status, detail, path, offset, line, column, parameter))

} // namespace weft::notes

// Problem documents may grow members (RFC 9457 §3.2): clients must ignore those they do not
// know, and the schema says so.
template <> struct weft::http::json_allow_unknown_fields<weft::notes::problem> : std::true_type {};

template <> struct weft::http::json_schema_name<weft::notes::note> {
    static constexpr std::string_view value = "Note";
};
template <> struct weft::http::json_schema_name<weft::notes::note_input> {
    static constexpr std::string_view value = "NoteInput";
};
template <> struct weft::http::json_schema_name<weft::notes::note_page> {
    static constexpr std::string_view value = "NotePage";
};
template <> struct weft::http::json_schema_name<weft::notes::problem> {
    static constexpr std::string_view value = "Problem";
};

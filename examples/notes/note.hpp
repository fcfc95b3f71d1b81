#pragma once

// The notes demo's JSON shapes, described for weft::http's from_json / to_json.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/describe/class.hpp>

namespace weft::notes {

/// One stored note, as the API returns it.
struct note {
    std::int64_t id = 0;
    std::string title;   ///< 1..200 characters
    std::string body;    ///< at most 10,000 characters; may be empty
    std::string created; ///< RFC 3339, UTC, e.g. "2024-05-01T12:34:56.789Z"
    std::string updated; ///< RFC 3339, UTC; equals `created` until the first PUT
};
BOOST_DESCRIBE_STRUCT(note, (), (id, title, body, created, updated))

/// What POST and PUT accept: `title` is required, `body` defaults to "". Other members are
/// ignored (so a client may send back a note it read, id and timestamps included).
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

} // namespace weft::notes

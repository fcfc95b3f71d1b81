#pragma once

// The REST chapter's demo: notes as JSON over HTTP, kept in SQLite.
//
//   GET    /api/notes?limit=N&offset=M   a page of notes, newest first, with the total
//   GET    /api/notes/{id}               one note (404 if missing)
//   POST   /api/notes                    create from {"title", "body"} → 201 + Location
//   PUT    /api/notes/{id}               replace title and body → 200 (404 if missing)
//   DELETE /api/notes/{id}               → 204 (404 if missing)
//   GET    /api/openapi.json             the OpenAPI 3.1 document of all this (notes_openapi.hpp)
// Malformed or mistyped JSON, and unknown members, are a 400 whose problem document names the
// JSON path; an id or query parameter that is not an integer in range is a 400 naming the
// parameter. docs/notes-api.md is the reference.

#include <weft/expected.hpp>
#include <weft/http/router.hpp>

#include <memory>
#include <string>

namespace weft::notes {

class store;

/// Opens (creating if need be) the notes database at `path`. The error says what failed and
/// where ("notes.db: unable to open database file").
expected<std::shared_ptr<store>, std::string> open_store(const std::string& path);

/// Adds the /api/notes routes to `r`, backed by `db` (shared: the routes keep it alive).
void add_routes(http::router& r, std::shared_ptr<store> db);

} // namespace weft::notes

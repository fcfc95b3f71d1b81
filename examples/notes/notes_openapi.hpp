#pragma once

// The notes API described as an OpenAPI 3.1 document, served at GET /api/openapi.json.

#include <boost/json/value.hpp>

namespace weft::notes {

/// The OpenAPI 3.1 document of the routes `add_routes` adds: paths, parameters, request
/// bodies and responses, with the JSON Schemas of the bodies generated from the described
/// types the handlers read and write (note.hpp), so it cannot drift from them. Rules the
/// handlers check beyond the types (title length, id and paging ranges) come from the same
/// constants. Built anew on each call; the route builds it once.
boost::json::value openapi_document();

} // namespace weft::notes

// The OpenAPI 3.1 document of the notes API (see notes_openapi.hpp).

#include "notes_openapi.hpp"

#include "note.hpp"

#include <weft/http/json_schema.hpp>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

namespace weft::notes {
namespace {

namespace json = boost::json;

json::object& property(http::json_schema_set& set, std::string_view type, std::string_view name) {
    return set.schemas()[type].as_object()["properties"].as_object()[name].as_object();
}

// The rules the handlers check that a type cannot say (notes_api.cpp uses the same constants).
void annotate(http::json_schema_set& set) {
    for (const std::string_view type : {"Note", "NoteInput"}) {
        property(set, type, "title")["minLength"] = 1;
        property(set, type, "title")["maxLength"] = max_title;
    }
    property(set, "NoteInput", "body")["maxLength"] = max_body;
    property(set, "Note", "body")["maxLength"] = max_body;
    property(set, "Note", "id")["minimum"] = 1;
    for (const std::string_view name : {"created", "updated"}) {
        property(set, "Note", name)["format"] = "date-time";
    }
    property(set, "Problem", "status")["minimum"] = 400;
    property(set, "Problem", "status")["maximum"] = 599;
}

json::object content(std::string_view media_type, json::value schema) {
    json::object out;
    out[media_type] = json::object{{"schema", std::move(schema)}};
    return out;
}

json::object answer(std::string_view description, std::string_view media_type = {},
                    json::value schema = nullptr) {
    json::object out;
    out["description"] = description;
    if (!media_type.empty()) {
        out["content"] = content(media_type, std::move(schema));
    }
    return out;
}

// The JSON body of a POST or PUT.
json::object note_body(http::json_schema_set& set) {
    json::object out;
    out["description"] = "The note's title and body. Any other member is refused (400).";
    out["required"] = true;
    out["content"] = content("application/json", set.schema<note_input>());
    return out;
}

json::object integer(std::int64_t minimum, std::int64_t maximum) {
    return json::object{
        {"type", "integer"}, {"format", "int64"}, {"minimum", minimum}, {"maximum", maximum}};
}

json::object query_parameter(std::string_view name, std::string_view description,
                             json::object schema) {
    json::object out;
    out["name"] = name;
    out["in"] = "query";
    out["required"] = false;
    out["description"] = description;
    out["schema"] = std::move(schema);
    return out;
}

} // namespace

json::value openapi_document() {
    http::json_schema_set set; // refers to "#/components/schemas/<name>"
    const json::value problem_schema = set.schema<problem>();
    const auto error = [&](std::string_view description) {
        return answer(description, "application/problem+json", problem_schema);
    };
    const auto with_errors =
        [&](json::object responses,
            std::initializer_list<std::pair<std::string_view, std::string_view>> errors) {
            for (const auto& [code, description] : errors) {
                responses[code] = error(description);
            }
            return responses;
        };
    constexpr std::string_view bad_id =
        "The id is not an integer from 1 to 9223372036854775807; `parameter` names it.";
    constexpr std::string_view bad_body =
        "The body is not JSON, or does not fit NoteInput (a wrong type, a missing title, an "
        "unknown member, a title or body too long); `path` is the JSONPath of the value.";
    constexpr std::string_view too_large =
        "The request body exceeds the server's limit (1 MiB by default); `detail` says it.";
    constexpr std::string_view not_json = "The Content-Type is not application/json.";
    constexpr std::string_view no_note = "There is no note with this id.";
    constexpr std::string_view storage = "The notes database failed.";

    json::object limit = integer(1, max_limit);
    limit["default"] = default_limit;
    json::object offset = integer(0, max_offset);
    offset["default"] = 0;

    json::object list;
    list["summary"] = "A page of notes, newest first, with the total";
    list["operationId"] = "listNotes";
    list["parameters"] = json::array{
        query_parameter("limit", "How many notes, at most.", std::move(limit)),
        query_parameter("offset", "How many of the newest notes to skip.", std::move(offset)),
    };
    list["responses"] =
        with_errors({{"200", answer("The page.", "application/json", set.schema<note_page>())}},
                    {{"400", "A limit or offset out of range, or a query that does not decode; "
                             "`parameter` names it."},
                     {"500", storage}});

    json::object create;
    create["summary"] = "Create a note";
    create["operationId"] = "createNote";
    create["requestBody"] = note_body(set);
    json::object created = answer("The note as stored.", "application/json", set.schema<note>());
    created["headers"] = json::object{
        {"Location", json::object{{"description", "The new note's URL, /api/notes/{id}."},
                                  {"schema", json::object{{"type", "string"}}}}}};
    create["responses"] =
        with_errors({{"201", std::move(created)}},
                    {{"400", bad_body}, {"413", too_large}, {"415", not_json}, {"500", storage}});

    json::object id;
    id["name"] = "id";
    id["in"] = "path";
    id["required"] = true;
    id["description"] = "The note's id, a positive decimal integer.";
    id["schema"] = integer(1, max_id);

    json::object get;
    get["summary"] = "One note";
    get["operationId"] = "getNote";
    get["responses"] =
        with_errors({{"200", answer("The note.", "application/json", set.schema<note>())}},
                    {{"400", bad_id}, {"404", no_note}, {"500", storage}});

    json::object replace;
    replace["summary"] = "Replace a note's title and body (a body left out becomes empty)";
    replace["operationId"] = "replaceNote";
    replace["requestBody"] = note_body(set);
    replace["responses"] = with_errors(
        {{"200", answer("The note as stored.", "application/json", set.schema<note>())}},
        {{"400", std::string_view("The id or the body is wrong; `parameter` or `path` says "
                                  "which.")},
         {"404", no_note},
         {"413", too_large},
         {"415", not_json},
         {"500", storage}});

    json::object remove;
    remove["summary"] = "Delete a note";
    remove["operationId"] = "deleteNote";
    remove["responses"] = with_errors({{"204", answer("Deleted.")}},
                                      {{"400", bad_id}, {"404", no_note}, {"500", storage}});

    json::object self;
    self["summary"] = "This document";
    self["operationId"] = "getOpenApi";
    self["responses"] = json::object{{"200", answer("The OpenAPI 3.1 document.", "application/json",
                                                    json::object{{"type", "object"}})}};

    json::object notes_path{{"get", std::move(list)}, {"post", std::move(create)}};
    json::object note_path{{"parameters", json::array{std::move(id)}},
                           {"get", std::move(get)},
                           {"put", std::move(replace)},
                           {"delete", std::move(remove)}};

    annotate(set);

    json::object doc;
    doc["openapi"] = "3.1.0";
    doc["info"] = json::object{
        {"title", "weft notes API"},
        {"version", "1.0.0"},
        {"description", "Notes as JSON over HTTP, kept in SQLite: the REST demo of weft "
                        "(`weft serve --demo-db FILE`, examples/notes). Errors are RFC 9457 "
                        "problem documents. See docs/notes-api.md."}};
    doc["paths"] = json::object{{"/api/notes", std::move(notes_path)},
                                {"/api/notes/{id}", std::move(note_path)},
                                {"/api/openapi.json", json::object{{"get", std::move(self)}}}};
    doc["components"] = json::object{{"schemas", set.schemas()}};
    return doc;
}

} // namespace weft::notes

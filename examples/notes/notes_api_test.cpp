// The notes API's handlers through http::test_client: no socket, a database per test in a
// temporary directory. (examples/tests/test_notes.py drives the same API over HTTP.)

#include "note.hpp"
#include "notes_api.hpp"

#include <weft/http/json.hpp>
#include <weft/http/router.hpp>
#include <weft/http/test_client.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/describe/members.hpp>
#include <boost/json/value.hpp>
#include <boost/mp11/algorithm.hpp>
#include <gtest/gtest.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using weft::http::from_json;
using weft::http::status;
using weft::http::test_client;
using weft::notes::note;
using weft::notes::note_input;
using weft::notes::note_page;
using weft::notes::problem;

const test_client::headers json{{"Content-Type", "application/json"}};

// The names of T's described members, in declaration order.
template <class T> std::vector<std::string> member_names() {
    std::vector<std::string> names;
    boost::mp11::mp_for_each<boost::describe::describe_members<T, boost::describe::mod_public>>(
        [&](auto d) { names.emplace_back(d.name); });
    return names;
}

std::vector<std::string> keys(const boost::json::value& v) {
    std::vector<std::string> out;
    for (const auto& [k, _] : v.as_object()) {
        out.emplace_back(k);
    }
    return out;
}

// Every "$ref" in `v`, recursively.
void collect_refs(const boost::json::value& v, std::vector<std::string>& out) {
    if (v.is_object()) {
        for (const auto& [k, child] : v.get_object()) {
            if (k == "$ref" && child.is_string()) {
                out.emplace_back(child.get_string());
            } else {
                collect_refs(child, out);
            }
        }
    } else if (v.is_array()) {
        for (const auto& child : v.get_array()) {
            collect_refs(child, out);
        }
    }
}

class notes_api_test : public testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() /
               ("weft_notes_" + std::to_string(::getpid()) + "_" +
                testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
        auto db = weft::notes::open_store((dir_ / "notes.db").string());
        ASSERT_TRUE(db) << db.error();
        weft::http::router app;
        weft::notes::add_routes(app, std::move(*db));
        client_.emplace(app.to_handler());
    }
    void TearDown() override {
        client_.reset();
        fs::remove_all(dir_);
    }
    test_client& c() { return *client_; }

    fs::path dir_;
    std::optional<test_client> client_;
};

TEST_F(notes_api_test, create_read_update_delete) {
    auto created = c().post("/api/notes", R"({"title":"first","body":"hello"})", json);
    ASSERT_EQ(created.status, status::created) << created.body;
    const auto n = from_json<note>(created.body);
    ASSERT_TRUE(n) << n.error().to_string();
    EXPECT_EQ(n->title, "first");
    EXPECT_EQ(created.header("Location"), "/api/notes/" + std::to_string(n->id));

    const std::string url = "/api/notes/" + std::to_string(n->id);
    EXPECT_EQ(from_json<note>(c().get(url).body)->body, "hello");
    auto put = c().send("PUT", url, R"({"title":"renamed"})", json);
    EXPECT_EQ(put.status, status::ok);
    EXPECT_EQ(from_json<note>(put.body)->title, "renamed");
    EXPECT_EQ(from_json<note>(put.body)->body, ""); // PUT replaces: a missing body is ""
    EXPECT_EQ(c().send("DELETE", url).status, status::no_content);
    EXPECT_EQ(c().get(url).status, status::not_found);
    EXPECT_EQ(c().send("DELETE", url).status, status::not_found);
}

TEST_F(notes_api_test, bad_bodies_are_400_with_the_json_path) {
    const auto wrong_type = c().post("/api/notes", R"({"title":42})", json);
    EXPECT_EQ(wrong_type.status, status::bad_request);
    EXPECT_NE(wrong_type.body.find(R"("path":"$.title")"), std::string::npos) << wrong_type.body;
    const auto syntax = c().post("/api/notes", R"({"title":)", json);
    EXPECT_EQ(syntax.status, status::bad_request);
    EXPECT_NE(syntax.body.find(R"("path":"$")"), std::string::npos) << syntax.body;
    const auto too_long =
        c().post("/api/notes", R"({"title":")" + std::string(201, 'x') + "\"}", json);
    EXPECT_EQ(too_long.status, status::bad_request);
    EXPECT_EQ(c().post("/api/notes", R"({"title":"x"})").status, status::unsupported_media_type);
}

TEST_F(notes_api_test, unknown_members_are_400_naming_them_and_the_expected_ones) {
    const auto typo = c().post("/api/notes", R"({"title":"t","bdy":"text"})", json);
    EXPECT_EQ(typo.status, status::bad_request);
    const auto doc = from_json<problem>(typo.body);
    ASSERT_TRUE(doc) << typo.body;
    EXPECT_EQ(doc->path, "$.bdy");
    EXPECT_EQ(doc->detail, "unknown field; expected title, body");
    // reported as unknown, not as the missing member it was meant to be
    const auto misspelt = c().post("/api/notes", R"({"titel":"t"})", json);
    EXPECT_EQ(from_json<problem>(misspelt.body)->path, "$.titel");
    // a note read back is not an input: id and timestamps are refused, on PUT as well
    const auto created = c().post("/api/notes", R"({"title":"kept"})", json);
    ASSERT_EQ(created.status, status::created);
    const std::string url = std::string(*created.header("Location"));
    const auto resent = c().send("PUT", url, created.body, json);
    EXPECT_EQ(resent.status, status::bad_request);
    EXPECT_EQ(from_json<problem>(resent.body)->path, "$.id");
    EXPECT_EQ(from_json<note>(c().get(url).body)->title, "kept"); // nothing changed
}

TEST_F(notes_api_test, ids_that_are_not_positive_int64s_are_400_naming_the_parameter) {
    const char* const bad[] = {
        "abc",                  // not a number
        "-1",                   // negative
        "0",                    // ids start at 1
        "1.5",                  // not an integer
        "%2B1",                 // a sign, percent-encoded
        "9223372036854775808",  // one past int64's max
        "99999999999999999999", // far past it
    };
    for (const char* id : bad) {
        for (const char* method : {"GET", "PUT", "DELETE"}) {
            const auto r =
                c().send(method, std::string("/api/notes/") + id,
                         std::string_view(method) == "PUT" ? R"({"title":"t"})" : "", json);
            EXPECT_EQ(r.status, status::bad_request) << method << " " << id << ": " << r.body;
            EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
            const auto doc = from_json<problem>(r.body);
            ASSERT_TRUE(doc) << r.body;
            EXPECT_EQ(doc->parameter, "id") << r.body;
            EXPECT_NE(doc->detail.find("path parameter id: must be an integer from 1 to "
                                       "9223372036854775807"),
                      std::string::npos)
                << doc->detail;
        }
    }
    // the largest id is an id: it just names no note
    EXPECT_EQ(c().get("/api/notes/9223372036854775807").status, status::not_found);
    EXPECT_EQ(c().get("/api/notes/0001").status, status::not_found); // leading zeros: still 1
}

TEST_F(notes_api_test, bad_query_parameters_are_named) {
    const auto r = c().get("/api/notes?limit=abc");
    EXPECT_EQ(r.status, status::bad_request);
    const auto doc = from_json<problem>(r.body);
    ASSERT_TRUE(doc) << r.body;
    EXPECT_EQ(doc->parameter, "limit");
    EXPECT_EQ(doc->detail, R"(query parameter limit: must be an integer from 1 to 100, got "abc")");
    EXPECT_EQ(from_json<problem>(c().get("/api/notes?offset=-1").body)->parameter, "offset");
}

TEST_F(notes_api_test, openapi_document_describes_the_routes_from_the_same_types) {
    const auto r = c().get("/api/openapi.json");
    ASSERT_EQ(r.status, status::ok);
    EXPECT_EQ(r.header("Content-Type"), "application/json");
    const auto doc = from_json<boost::json::value>(r.body);
    ASSERT_TRUE(doc) << doc.error().to_string();
    EXPECT_EQ(doc->at("openapi"), "3.1.0");
    EXPECT_TRUE(doc->at("info").as_object().contains("title"));

    // the paths and their methods, as add_routes registers them
    const auto& paths = doc->at("paths");
    EXPECT_EQ(keys(paths),
              (std::vector<std::string>{"/api/notes", "/api/notes/{id}", "/api/openapi.json"}));
    EXPECT_EQ(keys(paths.at("/api/notes")), (std::vector<std::string>{"get", "post"}));
    EXPECT_EQ(keys(paths.at("/api/notes/{id}")),
              (std::vector<std::string>{"parameters", "get", "put", "delete"}));
    const auto& id = paths.at("/api/notes/{id}").at("parameters").at(0);
    EXPECT_EQ(id.at("name"), "id");
    EXPECT_EQ(id.at("in"), "path");
    EXPECT_EQ(id.at("schema").at("type"), "integer");
    EXPECT_EQ(id.at("schema").at("minimum"), 1);
    const auto& post = paths.at("/api/notes").at("post");
    EXPECT_EQ(post.at("requestBody").at("content").at("application/json").at("schema").at("$ref"),
              "#/components/schemas/NoteInput");
    EXPECT_EQ(keys(post.at("responses")),
              (std::vector<std::string>{"201", "400", "413", "415", "500"}));
    EXPECT_EQ(post.at("responses")
                  .at("400")
                  .at("content")
                  .at("application/problem+json")
                  .at("schema")
                  .at("$ref"),
              "#/components/schemas/Problem");
    const auto& limit = paths.at("/api/notes").at("get").at("parameters").at(0);
    EXPECT_EQ(limit.at("schema").at("maximum"), weft::notes::max_limit);

    // the schemas' properties are the described members, in order
    const auto& schemas = doc->at("components").at("schemas");
    EXPECT_EQ(keys(schemas.at("Note").at("properties")), member_names<note>());
    EXPECT_EQ(keys(schemas.at("NoteInput").at("properties")), member_names<note_input>());
    EXPECT_EQ(keys(schemas.at("NotePage").at("properties")), member_names<note_page>());
    EXPECT_EQ(keys(schemas.at("Problem").at("properties")), member_names<problem>());
    EXPECT_EQ(schemas.at("Note").at("required"),
              boost::json::value({"id", "title", "body", "created", "updated"}));
    EXPECT_EQ(schemas.at("NoteInput").at("required"), boost::json::value({"title"}));
    // inputs refuse unknown members, and say so; problem documents may grow
    EXPECT_EQ(schemas.at("NoteInput").at("additionalProperties"), false);
    EXPECT_FALSE(schemas.at("Problem").as_object().contains("additionalProperties"));
    EXPECT_EQ(schemas.at("NoteInput").at("properties").at("title").at("maxLength"),
              weft::notes::max_title);
    EXPECT_EQ(schemas.at("NotePage").at("properties").at("notes").at("items").at("$ref"),
              "#/components/schemas/Note");

    // every reference resolves
    std::vector<std::string> refs;
    collect_refs(*doc, refs);
    EXPECT_GE(refs.size(), 10u);
    for (const auto& ref : refs) {
        const std::string_view prefix = "#/components/schemas/";
        ASSERT_EQ(ref.substr(0, prefix.size()), prefix);
        EXPECT_TRUE(schemas.as_object().contains(ref.substr(prefix.size()))) << ref;
    }
}

TEST_F(notes_api_test, pages_newest_first_with_the_total) {
    for (int i = 0; i < 5; ++i) {
        ASSERT_EQ(c().post("/api/notes", R"({"title":"n)" + std::to_string(i) + "\"}", json).status,
                  status::created);
    }
    const auto page = from_json<note_page>(c().get("/api/notes?limit=2&offset=1").body);
    ASSERT_TRUE(page);
    EXPECT_EQ(page->total, 5);
    ASSERT_EQ(page->notes.size(), 2U);
    EXPECT_EQ(page->notes[0].title, "n3");
    EXPECT_EQ(page->notes[1].title, "n2");
    EXPECT_EQ(c().get("/api/notes?limit=0").status, status::bad_request);
    EXPECT_EQ(c().get("/api/notes?offset=-1").status, status::bad_request);
}

TEST_F(notes_api_test, wrong_methods_get_405_with_allow) {
    const auto r = c().send("PATCH", "/api/notes/1", "{}", json);
    EXPECT_EQ(r.status, status::method_not_allowed);
    EXPECT_EQ(r.header("Allow"), "DELETE, GET, HEAD, OPTIONS, PUT");
}

} // namespace

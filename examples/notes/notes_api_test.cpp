// The notes API's handlers through http::test_client: no socket, a database per test in a
// temporary directory. (examples/tests/test_notes.py drives the same API over HTTP.)

#include "note.hpp"
#include "notes_api.hpp"

#include <weft/http/json.hpp>
#include <weft/http/router.hpp>
#include <weft/http/test_client.hpp>

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using weft::http::from_json;
using weft::http::status;
using weft::http::test_client;
using weft::notes::note;
using weft::notes::note_page;

const test_client::headers json{{"Content-Type", "application/json"}};

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

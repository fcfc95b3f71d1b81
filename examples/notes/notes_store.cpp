#include "notes_store.hpp"

#include <chrono>
#include <ctime>
#include <utility>

#include <fmt/format.h>
#include <sqlite3.h>

namespace weft::notes {
namespace {

struct statement_deleter {
    void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using statement = std::unique_ptr<sqlite3_stmt, statement_deleter>;

constexpr std::string_view schema = R"(
CREATE TABLE IF NOT EXISTS notes (
    id      INTEGER PRIMARY KEY,
    title   TEXT NOT NULL,
    body    TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL
))";

std::string error_text(sqlite3* db, std::string_view doing) {
    return fmt::format("{}: {}", doing, sqlite3_errmsg(db));
}

expected<statement, std::string> prepare(sqlite3* db, std::string_view sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &s, nullptr) !=
        SQLITE_OK) {
        sqlite3_finalize(s);
        return unexpected(error_text(db, "prepare"));
    }
    return statement(s);
}

// SQLITE_TRANSIENT: SQLite copies the text, so the views may die after the bind.
void bind_text(sqlite3_stmt* s, int index, std::string_view text) {
    sqlite3_bind_text(s, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

std::string column_text(sqlite3_stmt* s, int column) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(s, column));
    return text == nullptr ? std::string() : std::string(text, sqlite3_column_bytes(s, column));
}

// The row of a statement that selects id, title, body, created, updated in that order.
note read_note(sqlite3_stmt* s) {
    return note{sqlite3_column_int64(s, 0), column_text(s, 1), column_text(s, 2), column_text(s, 3),
                column_text(s, 4)};
}

constexpr std::string_view columns = "id, title, body, created, updated";

// Runs `sql` (no parameters, no rows), e.g. a pragma or the schema.
expected<void, std::string> execute(sqlite3* db, std::string_view sql) {
    auto s = prepare(db, sql);
    if (!s) {
        return unexpected(s.error());
    }
    const int rc = sqlite3_step(s->get());
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        return unexpected(error_text(db, sql.substr(0, sql.find('(')).substr(0, 40)));
    }
    return {};
}

} // namespace

std::string now_rfc3339() {
    const auto now = std::chrono::system_clock::now();
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch());
    const std::time_t seconds = static_cast<std::time_t>(ms.count() / 1000);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", utc.tm_year + 1900,
                       utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                       ms.count() % 1000);
}

expected<std::shared_ptr<store>, std::string> store::open(const std::string& path) {
    sqlite3* db = nullptr;
    // NOMUTEX: the store's own mutex serialises every use of the connection.
    const int rc =
        sqlite3_open_v2(path.c_str(), &db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        std::string message =
            fmt::format("{}: {}", path, db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
        sqlite3_close(db);
        return unexpected(std::move(message));
    }
    std::shared_ptr<store> s(new store(db));
    // Another process (a second server, the sqlite3 shell) may hold a lock for a moment.
    sqlite3_busy_timeout(db, 5000);
    for (const std::string_view sql : {std::string_view("PRAGMA journal_mode=WAL"),
                                       std::string_view("PRAGMA synchronous=NORMAL"), schema}) {
        if (auto done = execute(db, sql); !done) {
            return unexpected(fmt::format("{}: {}", path, done.error()));
        }
    }
    return s;
}

store::~store() {
    sqlite3_close(db_);
}

expected<note_page, std::string> store::page(std::int64_t limit, std::int64_t offset) {
    const std::lock_guard lock(mutex_);
    // One read transaction, so the total matches the page even with writers in other processes.
    if (auto begun = execute(db_, "BEGIN"); !begun) {
        return unexpected(begun.error());
    }
    struct end_transaction {
        sqlite3* db;
        ~end_transaction() { sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr); }
    } end{db_};
    note_page result;
    result.limit = limit;
    result.offset = offset;
    auto count = prepare(db_, "SELECT count(*) FROM notes");
    if (!count) {
        return unexpected(count.error());
    }
    if (sqlite3_step(count->get()) != SQLITE_ROW) {
        return unexpected(error_text(db_, "count notes"));
    }
    result.total = sqlite3_column_int64(count->get(), 0);
    auto rows = prepare(
        db_, fmt::format("SELECT {} FROM notes ORDER BY id DESC LIMIT ?1 OFFSET ?2", columns));
    if (!rows) {
        return unexpected(rows.error());
    }
    sqlite3_bind_int64(rows->get(), 1, limit);
    sqlite3_bind_int64(rows->get(), 2, offset);
    int rc = 0;
    while ((rc = sqlite3_step(rows->get())) == SQLITE_ROW) {
        result.notes.push_back(read_note(rows->get()));
    }
    if (rc != SQLITE_DONE) {
        return unexpected(error_text(db_, "list notes"));
    }
    return result;
}

expected<std::optional<note>, std::string> store::get(std::int64_t id) {
    const std::lock_guard lock(mutex_);
    auto s = prepare(db_, fmt::format("SELECT {} FROM notes WHERE id = ?1", columns));
    if (!s) {
        return unexpected(s.error());
    }
    sqlite3_bind_int64(s->get(), 1, id);
    const int rc = sqlite3_step(s->get());
    if (rc == SQLITE_ROW) {
        return std::optional<note>(read_note(s->get()));
    }
    if (rc == SQLITE_DONE) {
        return std::optional<note>();
    }
    return unexpected(error_text(db_, "read note"));
}

expected<note, std::string> store::create(std::string_view title, std::string_view body) {
    const std::lock_guard lock(mutex_);
    const std::string now = now_rfc3339();
    auto s = prepare(db_, fmt::format("INSERT INTO notes (title, body, created, updated) "
                                      "VALUES (?1, ?2, ?3, ?3) RETURNING {}",
                                      columns));
    if (!s) {
        return unexpected(s.error());
    }
    bind_text(s->get(), 1, title);
    bind_text(s->get(), 2, body);
    bind_text(s->get(), 3, now);
    if (sqlite3_step(s->get()) != SQLITE_ROW) {
        return unexpected(error_text(db_, "add note"));
    }
    note n = read_note(s->get());
    if (sqlite3_step(s->get()) != SQLITE_DONE) {
        return unexpected(error_text(db_, "add note"));
    }
    return n;
}

expected<std::optional<note>, std::string> store::update(std::int64_t id, std::string_view title,
                                                         std::string_view body) {
    const std::lock_guard lock(mutex_);
    const std::string now = now_rfc3339();
    auto s = prepare(db_, fmt::format("UPDATE notes SET title = ?2, body = ?3, updated = ?4 "
                                      "WHERE id = ?1 RETURNING {}",
                                      columns));
    if (!s) {
        return unexpected(s.error());
    }
    sqlite3_bind_int64(s->get(), 1, id);
    bind_text(s->get(), 2, title);
    bind_text(s->get(), 3, body);
    bind_text(s->get(), 4, now);
    const int rc = sqlite3_step(s->get());
    if (rc == SQLITE_DONE) {
        return std::optional<note>();
    }
    if (rc != SQLITE_ROW) {
        return unexpected(error_text(db_, "update note"));
    }
    note n = read_note(s->get());
    if (sqlite3_step(s->get()) != SQLITE_DONE) {
        return unexpected(error_text(db_, "update note"));
    }
    return std::optional<note>(std::move(n));
}

expected<bool, std::string> store::remove(std::int64_t id) {
    const std::lock_guard lock(mutex_);
    auto s = prepare(db_, "DELETE FROM notes WHERE id = ?1");
    if (!s) {
        return unexpected(s.error());
    }
    sqlite3_bind_int64(s->get(), 1, id);
    if (sqlite3_step(s->get()) != SQLITE_DONE) {
        return unexpected(error_text(db_, "delete note"));
    }
    return sqlite3_changes(db_) > 0;
}

} // namespace weft::notes

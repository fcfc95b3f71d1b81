#pragma once

// The notes demo's storage: one SQLite database file, shared by every worker thread.

#include "note.hpp"

#include <weft/expected.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace weft::notes {

/// The notes table of one SQLite database.
///
/// Every call takes an internal mutex, so a store can be shared by several threads (each call
/// is short: one or two statements on a local file). Statements are prepared with bound
/// parameters only. The database runs in WAL mode, so readers in other processes do not block
/// a writer. Errors are SQLite's message, prefixed with what was being done.
class store {
  public:
    /// Opens (creating if need be) the database at `path` and the `notes` table.
    /// The error reads "PATH: unable to open database file".
    static expected<std::shared_ptr<store>, std::string> open(const std::string& path);

    store(const store&) = delete;
    store& operator=(const store&) = delete;
    ~store();

    /// The notes from `offset` (newest first, by id) and the total count, read together.
    expected<note_page, std::string> page(std::int64_t limit, std::int64_t offset);
    /// The note `id`, or nullopt.
    expected<std::optional<note>, std::string> get(std::int64_t id);
    /// Adds a note; created == updated == now.
    expected<note, std::string> create(std::string_view title, std::string_view body);
    /// Replaces the title and body of `id` and sets updated = now; nullopt if there is none.
    expected<std::optional<note>, std::string> update(std::int64_t id, std::string_view title,
                                                      std::string_view body);
    /// Deletes `id`. @returns whether there was such a note
    expected<bool, std::string> remove(std::int64_t id);

  private:
    explicit store(sqlite3* db) noexcept : db_(db) {}

    std::mutex mutex_;
    sqlite3* db_;
};

/// Now as RFC 3339 in UTC with milliseconds: "2024-05-01T12:34:56.789Z".
std::string now_rfc3339();

} // namespace weft::notes

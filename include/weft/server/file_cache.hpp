#pragma once

#include <weft/http/response.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <sys/types.h>

namespace weft::server {

/// One file as it was when it was opened, or why it could not be: an entry of `file_cache`.
/// Immutable once built, and shared (by `std::shared_ptr`) between the cache and the
/// responses that send from its descriptor, so an evicted entry never closes a descriptor
/// a response is still sending from.
struct cached_file {
    /// What the path named when it was opened.
    enum class kind : std::uint8_t {
        error,       ///< opening failed: `error` holds the errno (a negative entry)
        regular,     ///< a regular file: the fields below are set
        directory,   ///< a directory (the caller's policy: redirect, index, listing)
        not_regular, ///< a device, socket or FIFO: never served
    };
    kind what = kind::error;
    int error = 0; ///< errno of the failed open, for kind::error

    /// The open file (kind::regular), unless `has_content`: a file held whole needs none.
    std::shared_ptr<const http::owned_fd> fd;
    std::uint64_t size = 0;
    dev_t dev = 0;
    ino_t ino = 0;
    struct timespec mtime {};
    struct timespec ctime {};

    std::string etag;          ///< the strong validator, "\"size-mtime\"" in hex
    std::string last_modified; ///< the IMF-fixdate of mtime
    std::string_view type;     ///< the media type (static storage: http::mime_type_for)
    bool has_content = false;  ///< `content` holds the whole file (small files)
    std::string content;       ///< the whole file when `has_content`: served with no syscall
    /// For an entry derived from another (a compressed copy of a small file): that entry. The
    /// copy is current only while the cache still holds this very entry for the file.
    std::shared_ptr<const cached_file> source;

    /// Whether `o` is the same file, unchanged: same inode, size, mtime and ctime.
    [[nodiscard]] bool same_file(const cached_file& o) const noexcept;
};

/// A bounded map from a key (a path plus whatever the caller folds in) to `cached_file`,
/// in the manner of nginx's open_file_cache and h2o's filecache: the syscalls of serving a
/// file (open, fstat, read, close) are paid once, and the entry is trusted for a while
/// (`valid`), after which the caller checks it again.
///
/// Not thread-safe, by design: one per thread (the worker's), so the hot path takes no lock.
/// At most `max_entries` entries are kept; past that the least recently used one that the
/// clock hand reaches is evicted (the CLOCK approximation of LRU).
class file_cache {
  public:
    using clock = std::chrono::steady_clock;
    using entry_ptr = std::shared_ptr<const cached_file>;

    /// A cache of at most `max_entries` entries (0: nothing is kept, every get() loads).
    explicit file_cache(std::size_t max_entries = 1024);
    file_cache(file_cache&&) noexcept;
    file_cache& operator=(file_cache&&) noexcept;
    file_cache(const file_cache&) = delete;
    file_cache& operator=(const file_cache&) = delete;
    ~file_cache();

    /// The entry for `key`. When it is absent, or was last checked `valid` or longer before
    /// `now`, `load(previous)` is called with the entry held so far (nullptr when absent) and
    /// what it returns is stored and returned; `load` may return `previous` itself to say the
    /// file did not change, which restarts its validity. `load` must not use this cache.
    template <class Load>
    entry_ptr get(std::string_view key, clock::time_point now, clock::duration valid, Load&& load) {
        auto* found = find(key);
        if (found != nullptr && now - found->second.checked < valid) {
            ++stats_.hits;
            found->second.referenced = true;
            return found->second.entry;
        }
        ++stats_.loads;
        entry_ptr fresh =
            std::forward<Load>(load)(found != nullptr ? found->second.entry : nullptr);
        store(found, key, fresh, now);
        return fresh;
    }

    /// The entry for `key` whatever its age, or nullptr (no loading, no statistics).
    [[nodiscard]] entry_ptr peek(std::string_view key) const;

    /// Drops every entry.
    void clear() noexcept;

    [[nodiscard]] std::size_t size() const noexcept { return map_.size(); }
    [[nodiscard]] std::size_t max_entries() const noexcept { return max_entries_; }

    /// Counters since construction: gets answered from the cache, gets that loaded (absent
    /// or stale), and entries evicted to make room.
    struct statistics {
        std::uint64_t hits = 0;
        std::uint64_t loads = 0;
        std::uint64_t evictions = 0;
    };
    [[nodiscard]] const statistics& stats() const noexcept { return stats_; }

  private:
    struct slot {
        entry_ptr entry;
        clock::time_point checked;
        bool referenced = false;
    };
    struct key_hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept {
            return std::hash<std::string_view>{}(s);
        }
    };
    using map_type = std::unordered_map<std::string, slot, key_hash, std::equal_to<>>;

    map_type::value_type* find(std::string_view key) noexcept;
    // Sets `found`'s entry, or inserts one for `key` (evicting when full).
    void store(map_type::value_type* found, std::string_view key, const entry_ptr& e,
               clock::time_point now);

    std::size_t max_entries_;
    map_type map_;
    // The CLOCK ring: pointers to the map's elements (stable across rehashing).
    std::vector<map_type::value_type*> ring_;
    std::size_t hand_ = 0;
    statistics stats_;
};

} // namespace weft::server

#include <weft/server/file_cache.hpp>

namespace weft::server {

bool cached_file::same_file(const cached_file& o) const noexcept {
    return what == o.what && error == o.error && dev == o.dev && ino == o.ino && size == o.size &&
           mtime.tv_sec == o.mtime.tv_sec && mtime.tv_nsec == o.mtime.tv_nsec &&
           ctime.tv_sec == o.ctime.tv_sec && ctime.tv_nsec == o.ctime.tv_nsec;
}

file_cache::file_cache(std::size_t max_entries) : max_entries_(max_entries) {}
file_cache::file_cache(file_cache&&) noexcept = default;
file_cache& file_cache::operator=(file_cache&&) noexcept = default;
file_cache::~file_cache() = default;

file_cache::map_type::value_type* file_cache::find(std::string_view key) noexcept {
    const auto it = map_.find(key);
    return it == map_.end() ? nullptr : &*it;
}

file_cache::entry_ptr file_cache::peek(std::string_view key) const {
    const auto it = map_.find(key);
    return it == map_.end() ? nullptr : it->second.entry;
}

void file_cache::store(map_type::value_type* found, std::string_view key, const entry_ptr& e,
                       clock::time_point now) {
    if (found != nullptr) {
        found->second.entry = e;
        found->second.checked = now;
        found->second.referenced = true;
        return;
    }
    if (max_entries_ == 0) {
        return;
    }
    if (map_.size() < max_entries_) {
        auto [it, inserted] = map_.try_emplace(std::string(key), slot{e, now, false});
        ring_.push_back(&*it);
        return;
    }
    // CLOCK: the hand clears reference bits until it reaches an entry not used since it last
    // passed, which makes room for the new one in the same ring position.
    for (;;) {
        auto* victim = ring_[hand_];
        if (victim->second.referenced) {
            victim->second.referenced = false;
            hand_ = (hand_ + 1) % ring_.size();
            continue;
        }
        map_.erase(map_.find(victim->first));
        ++stats_.evictions;
        auto [it, inserted] = map_.try_emplace(std::string(key), slot{e, now, false});
        ring_[hand_] = &*it;
        hand_ = (hand_ + 1) % ring_.size();
        return;
    }
}

void file_cache::clear() noexcept {
    map_.clear();
    ring_.clear();
    hand_ = 0;
}

} // namespace weft::server

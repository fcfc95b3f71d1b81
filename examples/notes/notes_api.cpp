// Placeholder until the notes demo lands: the routes answer 503.
#include "notes_api.hpp"

namespace weft::notes {

class store {};

expected<std::shared_ptr<store>, std::string> open_store(const std::string&) {
    return std::make_shared<store>();
}

void add_routes(http::router& r, std::shared_ptr<store>) {
    r.get("/api/notes", [](http::request&) -> task<http::response> {
        co_return http::response::problem(http::status::service_unavailable, "not yet");
    });
}

} // namespace weft::notes

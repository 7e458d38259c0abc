// The terminate handler of sel4-microkit-pd: the uncaught exception's what(), a backtrace
// from where it was thrown (the event loop is not noexcept, so nothing unwound it), then the
// PD faults through sel4_runtime::fatal.
#include <sel4/microkit/channel.hpp>
#include <sel4/microkit/pd.hpp>

#include <sel4/runtime/abort.hpp>

#include <exception>

namespace sel4::microkit::detail {

void terminate_handler() noexcept {
    const std::exception_ptr current = std::current_exception();
    if (!current)
        sel4_runtime::fatal("std::terminate called without an exception in PD ", pd_name());
    try {
        std::rethrow_exception(current);
    } catch (const std::exception &error) {
        sel4_runtime::fatal("uncaught exception: ", error.what());
    } catch (...) {
        sel4_runtime::fatal("uncaught exception of a type not derived from std::exception in PD ", pd_name());
    }
}

} // namespace sel4::microkit::detail

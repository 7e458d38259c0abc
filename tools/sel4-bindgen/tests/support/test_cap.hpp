// The stand-in Cap<Object> for host tests of a generated invocations.hpp: a CPtr whose
// typed methods use sel4::test::ipc_buffer. Include it after <sel4/gen/invocations.hpp>.
#pragma once

#include <sel4/gen/invocations.hpp>

namespace sel4 {

template <class Object> class Cap : public gen::Methods<Object, Cap<Object>> {
public:
    constexpr explicit Cap(CPtr cptr) noexcept : cptr_(cptr) {}
    constexpr CPtr cptr() const noexcept { return cptr_; }
    IpcBuffer &ipc_buffer() const noexcept { return test::ipc_buffer; }

private:
    CPtr cptr_;
};

} // namespace sel4

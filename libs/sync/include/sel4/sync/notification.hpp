/// @file
/// The notification-only primitives (sel4/sync/notification_mutex.hpp) on seL4 notification
/// capabilities: one notification object each, for threads of one address space that the
/// runtime did not make.
///
/// ```cpp
/// sel4::sync::NotificationMutex mutex(sel4::cap::Notification(slot)); // an idle notification
/// std::lock_guard guard(mutex);
/// ```
#pragma once

#include <sel4/cap.hpp>
#include <sel4/sync/notification_mutex.hpp>

namespace sel4::sync {

/// A mutex on one seL4 notification (a benaphore).
using NotificationMutex = BasicNotificationMutex<cap::Notification>;
/// A counting semaphore on one seL4 notification.
using NotificationSemaphore = BasicNotificationSemaphore<cap::Notification>;

} // namespace sel4::sync

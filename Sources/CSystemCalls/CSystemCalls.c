#define _GNU_SOURCE
#include "CSystemCalls.h"

#include <errno.h>

#if defined(__linux__)
#include <sys/prctl.h>

int token_rotator_set_dumpable(int dumpable) { return prctl(PR_SET_DUMPABLE, (unsigned long)dumpable, 0, 0, 0); }

int token_rotator_get_dumpable(void) { return prctl(PR_GET_DUMPABLE, 0, 0, 0, 0); }
#else
int token_rotator_set_dumpable(int dumpable) {
    (void)dumpable;
    return -1;
}

int token_rotator_get_dumpable(void) { return -1; }
#endif

int token_rotator_spawn_closefrom(posix_spawn_file_actions_t *actions, int lowest) {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
#else
    (void)actions;
    (void)lowest;
    return ENOSYS;
#endif
}

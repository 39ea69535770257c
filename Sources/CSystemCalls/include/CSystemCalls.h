#ifndef C_SYSTEM_CALLS_H
#define C_SYSTEM_CALLS_H

/// System calls Swift cannot reach directly. prctl(2) is variadic, which Swift cannot call: the first two
/// wrap the uses token-rotator has for it; on systems without prctl they do nothing and report -1.

/// PR_SET_DUMPABLE: 0 stops core dumps and ptrace attachment by other processes of the same user.
int token_rotator_set_dumpable(int dumpable);

/// PR_GET_DUMPABLE: 1 when dumpable, 0 when not, -1 where unsupported.
int token_rotator_get_dumpable(void);

#include <spawn.h>

/// posix_spawn_file_actions_addclosefrom_np (glibc 2.34+), which Swift's Glibc module does not export:
/// closes every descriptor from `lowest` up in the spawned child. Returns ENOSYS where unavailable.
int token_rotator_spawn_closefrom(posix_spawn_file_actions_t *actions, int lowest);

#endif

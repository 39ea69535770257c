/* The durable-write floor of the rotation benchmark (issue 24): what creating one token file the way the file
 * sink does costs the kernel on a given folder, with no rotator around it. THREADS threads each write FILES/THREADS
 * files: temporary file, write, fsync, rename over the target, fsync of the folder. Prints the process's CPU
 * (user + system, from getrusage) per file and the wall time, so that the benchmark can report the rotator's CPU
 * per rotation beside this floor, measured in the same session on the same folder.
 *
 *     cc -O2 -pthread -o /tmp/durable-write-floor scripts/durable-write-floor.c
 *     /tmp/durable-write-floor FOLDER [FILES=2000] [THREADS=8]
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *folder;
static int files_per_thread;

static void *writer(void *argument) {
    long thread = (long)argument;
    char target[4096], temporary[4096];
    const char body[] = "11aabbccddeeff00112233445566778899\n";
    int directory = open(folder, O_RDONLY | O_DIRECTORY);
    if (directory < 0) { perror("open folder"); exit(1); }
    for (int index = 0; index < files_per_thread; index++) {
        snprintf(target, sizeof target, "%s/t%ld-%d.token", folder, thread, index);
        snprintf(temporary, sizeof temporary, "%s/.t%ld-%d.tmp", folder, thread, index);
        int descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (descriptor < 0) { perror("open"); exit(1); }
        if (write(descriptor, body, sizeof body - 1) != (ssize_t)(sizeof body - 1)) { perror("write"); exit(1); }
        if (fsync(descriptor) != 0) { perror("fsync"); exit(1); }
        close(descriptor);
        if (rename(temporary, target) != 0) { perror("rename"); exit(1); }
        if (fsync(directory) != 0) { perror("fsync folder"); exit(1); }
    }
    close(directory);
    return NULL;
}

static double seconds(struct timeval value) { return value.tv_sec + value.tv_usec / 1e6; }

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: %s FOLDER [FILES] [THREADS]\n", argv[0]); return 2; }
    folder = argv[1];
    int files = argc > 2 ? atoi(argv[2]) : 2000;
    int threads = argc > 3 ? atoi(argv[3]) : 8;
    files_per_thread = files / threads;
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pthread_t workers[256];
    for (long thread = 0; thread < threads && thread < 256; thread++)
        pthread_create(&workers[thread], NULL, writer, (void *)thread);
    for (int thread = 0; thread < threads && thread < 256; thread++) pthread_join(workers[thread], NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    double cpu = seconds(usage.ru_utime) + seconds(usage.ru_stime);
    double wall = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    int written = files_per_thread * threads;
    printf("{\"files\": %d, \"threads\": %d, \"cpu_ms_per_file\": %.3f, \"wall_s\": %.3f}\n", written, threads,
           cpu / written * 1000, wall);
    return 0;
}

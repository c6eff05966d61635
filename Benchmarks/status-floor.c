// The least a status store of one durable file per secret costs, for the OpenBao bench:
// COUNT files of SIZE bytes written into DIRECTORY as tresor writes a status (a temporary
// file created beside it, written, fsync'd, renamed over the file; the directory fsync'd
// once at the end), THREADS at once. No parsing, planning, hashing or audit: only what
// the file system is asked to do.
//
// usage: status-floor DIRECTORY COUNT THREADS SIZE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *directory;
static int count, size, next_file;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char body[65536];

static void fail(const char *what, const char *path) {
    perror(path);
    fprintf(stderr, "status-floor: %s failed\n", what);
    exit(1);
}

static void *writer(void *unused) {
    (void)unused;
    char temporary[4096], path[4096];
    for (;;) {
        pthread_mutex_lock(&lock);
        int file = next_file++;
        pthread_mutex_unlock(&lock);
        if (file >= count) return NULL;
        snprintf(path, sizeof path, "%s/s%d.yaml", directory, file);
        snprintf(temporary, sizeof temporary, "%s.tmp-%d", path, (int)getpid());
        int descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (descriptor < 0) fail("open", temporary);
        if (write(descriptor, body, (size_t)size) != size) fail("write", temporary);
        if (fsync(descriptor) != 0) fail("fsync", temporary);
        close(descriptor);
        if (rename(temporary, path) != 0) fail("rename", path);
    }
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: status-floor DIRECTORY COUNT THREADS SIZE\n");
        return 2;
    }
    directory = argv[1];
    count = atoi(argv[2]);
    int threads = atoi(argv[3]);
    size = atoi(argv[4]);
    if (threads < 1 || threads > 256 || size < 0 || size > (int)sizeof body) {
        fprintf(stderr, "status-floor: THREADS must be 1 to 256 and SIZE at most %zu\n", sizeof body);
        return 2;
    }
    memset(body, 'x', sizeof body);
    pthread_t pool[256];
    for (int i = 0; i < threads; i++) pthread_create(&pool[i], NULL, writer, NULL);
    for (int i = 0; i < threads; i++) pthread_join(pool[i], NULL);
    int descriptor = open(directory, O_RDONLY | O_DIRECTORY);
    if (descriptor < 0 || fsync(descriptor) != 0) fail("directory fsync", directory);
    close(descriptor);
    return 0;
}

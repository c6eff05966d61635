// The least a status store of one durable file per secret costs, for the OpenBao bench:
// COUNT files of SIZE bytes written into DIRECTORY as tresor writes a status, THREADS at
// once: a temporary file created beside it and written, handed to one committer thread
// that makes every file waiting durable together (one syncfs; a lone file's own fsync)
// and then renames each over its file, as tresor's group commit does; the directory
// fsync'd once at the end. No parsing, planning, hashing or encoding: only what the file
// system is asked to do.
//
// With AUDIT_LINES and AUDIT_LINE_SIZE, also the audit log's file work per secret: that
// many lines of that size appended to DIRECTORY/audit.log (half before the status, half
// after, as the line recorded before a vault write and the one with its result), each
// under an exclusive lock on audit.log.head with the head rewritten in place, as tresor
// appends; audit.log fsync'd once at the end.
//
// usage: status-floor DIRECTORY COUNT THREADS SIZE [AUDIT_LINES AUDIT_LINE_SIZE]
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

static const char *directory;
static int count, size, next_file;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static char body[65536], audit_line[65536];
static int audit_lines, audit_line_size, audit_log = -1, audit_head = -1;
static pthread_mutex_t audit_lock = PTHREAD_MUTEX_INITIALIZER;
// The head's fixed-width line: a hash and the log's size.
static const char head_line[] = "sha256:0000000000000000000000000000000000000000000000000000000000000000 00000000000000000000\n";

static void fail(const char *what, const char *path) {
    perror(path);
    fprintf(stderr, "status-floor: %s failed\n", what);
    exit(1);
}

// One audit line: the process's lock for its threads, the head's lock for other processes.
static void append_audit_line(void) {
    pthread_mutex_lock(&audit_lock);
    if (flock(audit_head, LOCK_EX) != 0) fail("flock", "audit.log.head");
    if (write(audit_log, audit_line, (size_t)audit_line_size) != audit_line_size) fail("write", "audit.log");
    if (pwrite(audit_head, head_line, sizeof head_line - 1, 0) != (ssize_t)(sizeof head_line - 1)) fail("pwrite", "audit.log.head");
    if (flock(audit_head, LOCK_UN) != 0) fail("flock", "audit.log.head");
    pthread_mutex_unlock(&audit_lock);
}

// A written temporary file waiting for the committer.
struct pending {
    int descriptor, done;
    const char *temporary, *path;
    pthread_cond_t renamed;
    struct pending *next;
};
static struct pending *waiting;
static pthread_mutex_t commit_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t commit_wanted = PTHREAD_COND_INITIALIZER;
static int writers_left;

// Takes every file waiting as one group: one sync for all, then each renamed in place.
static void *committer(void *unused) {
    (void)unused;
    pthread_mutex_lock(&commit_lock);
    for (;;) {
        while (waiting == NULL && writers_left > 0) pthread_cond_wait(&commit_wanted, &commit_lock);
        if (waiting == NULL) break;
        struct pending *group = waiting;
        waiting = NULL;
        pthread_mutex_unlock(&commit_lock);
        if ((group->next != NULL ? syncfs(group->descriptor) : fsync(group->descriptor)) != 0) fail("sync", group->temporary);
        for (struct pending *file = group; file != NULL; file = file->next) {
            close(file->descriptor);
            if (rename(file->temporary, file->path) != 0) fail("rename", file->path);
        }
        pthread_mutex_lock(&commit_lock);
        for (struct pending *file = group, *next; file != NULL; file = next) {
            next = file->next;
            file->done = 1;
            pthread_cond_signal(&file->renamed);
        }
    }
    pthread_mutex_unlock(&commit_lock);
    return NULL;
}

static void *writer(void *unused) {
    (void)unused;
    char temporary[4200], path[4096];
    struct pending mine = {.renamed = PTHREAD_COND_INITIALIZER, .temporary = temporary, .path = path};
    for (;;) {
        pthread_mutex_lock(&lock);
        int file = next_file++;
        pthread_mutex_unlock(&lock);
        if (file >= count) break;
        snprintf(path, sizeof path, "%s/s%d.yaml", directory, file);
        snprintf(temporary, sizeof temporary, "%s.tmp-%d", path, (int)getpid());
        for (int line = 0; line < audit_lines / 2; line++) append_audit_line();
        int descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (descriptor < 0) fail("open", temporary);
        if (write(descriptor, body, (size_t)size) != size) fail("write", temporary);
        pthread_mutex_lock(&commit_lock);
        mine.descriptor = descriptor;
        mine.done = 0;
        mine.next = waiting;
        waiting = &mine;
        pthread_cond_signal(&commit_wanted);
        while (!mine.done) pthread_cond_wait(&mine.renamed, &commit_lock);
        pthread_mutex_unlock(&commit_lock);
        for (int line = audit_lines / 2; line < audit_lines; line++) append_audit_line();
    }
    pthread_mutex_lock(&commit_lock);
    writers_left--;
    pthread_cond_signal(&commit_wanted);
    pthread_mutex_unlock(&commit_lock);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 5 && argc != 7) {
        fprintf(stderr, "usage: status-floor DIRECTORY COUNT THREADS SIZE [AUDIT_LINES AUDIT_LINE_SIZE]\n");
        return 2;
    }
    directory = argv[1];
    count = atoi(argv[2]);
    int threads = atoi(argv[3]);
    size = atoi(argv[4]);
    if (argc == 7) {
        audit_lines = atoi(argv[5]);
        audit_line_size = atoi(argv[6]);
    }
    if (threads < 1 || threads > 256 || size < 0 || size > (int)sizeof body || audit_lines < 0 || audit_line_size < 0
        || audit_line_size > (int)sizeof body) {
        fprintf(stderr, "status-floor: THREADS must be 1 to 256, SIZE and AUDIT_LINE_SIZE at most %zu\n", sizeof body);
        return 2;
    }
    if (audit_lines > 0) {
        char log_path[4096], head_path[4096];
        snprintf(log_path, sizeof log_path, "%s/audit.log", directory);
        snprintf(head_path, sizeof head_path, "%s/audit.log.head", directory);
        audit_log = open(log_path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        audit_head = open(head_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (audit_log < 0 || audit_head < 0) fail("open", log_path);
    }
    memset(body, 'x', sizeof body);
    memset(audit_line, 'x', sizeof audit_line);
    if (audit_line_size > 0) audit_line[audit_line_size - 1] = '\n';
    pthread_t pool[256], commit_thread;
    writers_left = threads;
    pthread_create(&commit_thread, NULL, committer, NULL);
    for (int i = 0; i < threads; i++) pthread_create(&pool[i], NULL, writer, NULL);
    for (int i = 0; i < threads; i++) pthread_join(pool[i], NULL);
    pthread_join(commit_thread, NULL);
    if (audit_log >= 0 && fsync(audit_log) != 0) fail("fsync", "audit.log");
    int descriptor = open(directory, O_RDONLY | O_DIRECTORY);
    if (descriptor < 0 || fsync(descriptor) != 0) fail("directory fsync", directory);
    close(descriptor);
    return 0;
}

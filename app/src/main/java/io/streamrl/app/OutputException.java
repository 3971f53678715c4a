package io.streamrl.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * A file of a run's output (curve, summary, plot, log) could not be written: the folder is not
 * writable, the disk is full, something is in the way. The message is one line naming the file
 * and the reason. Its own type, so that the command line maps exactly these to
 * {@link Main#EXIT_CANT_CREATE} and leaves any other {@link UncheckedIOException} a bug with a
 * stack trace.
 */
final class OutputException extends UncheckedIOException {

    private static final long serialVersionUID = 1L;

    OutputException(Path file, IOException cause) {
        super("cannot write " + file + ": " + reason(cause), cause);
    }

    /**
     * The reason in words. NIO's file exceptions often carry only the path as their message
     * (an {@link AccessDeniedException} says nothing but the path), so the type says it.
     */
    static String reason(IOException e) {
        if (e instanceof FileSystemException fs && fs.getReason() != null) {
            return fs.getReason();
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or folder";
        }
        if (e instanceof NotDirectoryException) {
            return "not a folder";
        }
        if (e instanceof FileAlreadyExistsException fs) {
            return fs.getFile() + " exists and is not a folder";
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}

package io.streamrl.app;

import io.streamrl.core.env.Envs;
import java.util.Iterator;

/** The environment names picocli lists in help texts. */
final class EnvNames implements Iterable<String> {

    @Override
    public Iterator<String> iterator() {
        return Envs.names().iterator();
    }
}

"""`loaddata` that validates every object before writing any, and never overwrites editors' work.

Finds fixtures exactly as Django's command does (every stock option keeps working); the loading
itself is `magazine.fixture_loader.FixtureLoader`. See docs/fixtures.md.
"""

import io
import os
import warnings
import zipfile

from django.core import serializers
from django.core.management.base import CommandError
from django.core.management.commands import loaddata

from magazine.fixture_loader import (
    FixtureError,
    FixtureLoader,
    decode_fixture,
    limit,
    parse_fixture,
)


class Command(loaddata.Command):
    help = (
        "Installs the named fixture(s) in the database, matching objects by natural key. Every "
        "object is validated first; one invalid object loads nothing. Reviews edited since "
        "their last import are not overwritten unless --overwrite-edited is given."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--overwrite-edited",
            action="store_true",
            help="Replace reviews that editors changed since their last import (their current "
            "text is kept as a revision).",
        )
        parser.add_argument(
            "--allow-duplicates",
            action="store_true",
            help="Add new reviews even when the same critic already has a review of the same "
            "kind of the same film under another slug.",
        )

    def handle(self, *fixture_labels, **options):
        self.overwrite_edited = options["overwrite_edited"]
        self.allow_duplicates = options["allow_duplicates"]
        try:
            super().handle(*fixture_labels, **options)
        except FixtureError as error:
            raise CommandError(str(error)) from None

    def loaddata(self, fixture_labels):
        self.fixture_count = 0
        self.loaded_object_count = 0
        self.fixture_object_count = 0
        self.models = set()
        self.serialization_formats = serializers.get_public_serializer_formats()
        if not any(self.find_fixtures(label) for label in fixture_labels):
            return

        loader = FixtureLoader(
            using=self.using,
            ignore_unknown=self.ignore,
            excluded_models=self.excluded_models,
            excluded_apps=self.excluded_apps,
            overwrite_edited=self.overwrite_edited,
            allow_duplicates=self.allow_duplicates,
        )
        for label in fixture_labels:
            for fixture_file, fixture_dir, fixture_name in self.find_fixtures(label):
                self.read_fixture(loader, fixture_file, fixture_dir, fixture_name)

        result = loader.load()
        self.models = result.models
        self.loaded_object_count = result.total
        if self.verbosity >= 1:
            self.stdout.write(
                f"Installed {result.total} object(s) from {self.fixture_count} fixture(s): "
                f"{result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.revisions} review revision(s) recorded"
            )

    def read_fixture(self, loader: FixtureLoader, fixture_file, fixture_dir, fixture_name):
        _, ser_fmt, cmp_fmt = self.parse_name(os.path.basename(fixture_file))
        source = "stdin" if fixture_file == loaddata.READ_STDIN else display_path(fixture_file)
        if self.verbosity >= 2:
            where = loaddata.humanize(fixture_dir)
            self.stdout.write(f"Installing {ser_fmt} fixture '{fixture_name}' from {where}.")
        open_method, mode = self.compression_formats[cmp_fmt]
        try:
            fixture = open_method(fixture_file, mode)
            try:
                if isinstance(fixture, zipfile.ZipFile):
                    with fixture.open(fixture.namelist()[0]) as member:
                        content = read_within_limit(member)
                else:
                    content = read_within_limit(fixture)
            finally:
                if fixture_file != loaddata.READ_STDIN:
                    fixture.close()
        except (OSError, EOFError, ValueError, zipfile.BadZipFile) as error:
            raise CommandError(f"Could not read fixture {source}: {error}") from None
        self.fixture_count += 1
        text = decode_fixture(content, source)
        del content  # the text alone from here on: a large fixture is not held twice
        items = parse_fixture(text, ser_fmt, source)
        del text
        self.fixture_object_count += loader.add(source, items)
        if not items:
            warnings.warn(
                f"No fixture data found for '{fixture_name}'. (File format may be invalid.)",
                RuntimeWarning,
                stacklevel=2,
            )


def read_within_limit(stream) -> bytes | bytearray | str:
    """The stream's content, or as soon as it is known to be too large, one byte more than the
    limit (so a compressed file that unpacks to gigabytes is never unpacked in full)."""
    most = limit("FIXTURE_MAX_BYTES") + 1
    plain_file = isinstance(stream, io.BufferedReader)  # its size is known
    if plain_file and os.fstat(stream.fileno()).st_size < most:
        return stream.read()
    content = stream.read(0)  # b"" or "" (standard input may be text)
    if isinstance(content, str):
        return stream.read()  # standard input: what was piped in
    buffer = bytearray()
    while len(buffer) < most and (chunk := stream.read(min(4 * 1024 * 1024, most))):
        buffer += chunk
    return buffer


def display_path(path: str) -> str:
    """The path relative to the working folder when it is inside it, as editors typed it."""
    relative = os.path.relpath(path)
    return path if relative.startswith("..") else relative

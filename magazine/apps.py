from django.apps import AppConfig


class MagazineConfig(AppConfig):
    name = "magazine"
    verbose_name = "Magazine"

    def ready(self) -> None:
        from django.conf import settings
        from PIL import Image

        # Pillow refuses to decode more pixels than we accept, wherever an image is opened.
        Image.MAX_IMAGE_PIXELS = settings.MAGAZINE_UPLOAD_MAX_PIXELS

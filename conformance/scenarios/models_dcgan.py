"""A DCGAN: a generator of ConvTranspose2d + BatchNorm2d and a discriminator of Conv2d, trained adversarially.

The shape follows the PyTorch DCGAN tutorial, scaled down to 16x16 images.
The discriminator's leaky ReLU is `F.leaky_relu` in `forward`, so the
model needs no LeakyReLU layer.
"""

import torch
import torch.nn as tnn
import torch.nn.functional as F

from conformance.registry import scenario
from conformance.scenarios.models import _eval_output, _load_torch_weights

NOISE, WIDTH = 8, 4


def dcgan_weights_init(m):
    """The tutorial's init: N(0, 0.02) for convolutions, N(1, 0.02) and 0 for BatchNorm."""
    classname = m.__class__.__name__
    if classname.find("Conv") != -1:
        torch.nn.init.normal_(m.weight.data, 0.0, 0.02)
    elif classname.find("BatchNorm") != -1:
        torch.nn.init.normal_(m.weight.data, 1.0, 0.02)
        torch.nn.init.constant_(m.bias.data, 0)


def generator(nn):
    """Noise (N, 8, 1, 1) -> image (N, 1, 16, 16) in [-1, 1]."""
    model = nn.Sequential(
        nn.ConvTranspose2d(NOISE, WIDTH * 4, 4, 1, 0, bias=False),
        nn.BatchNorm2d(WIDTH * 4),
        nn.ReLU(True),
        nn.ConvTranspose2d(WIDTH * 4, WIDTH * 2, 4, 2, 1, bias=False),
        nn.BatchNorm2d(WIDTH * 2),
        nn.ReLU(True),
        nn.ConvTranspose2d(WIDTH * 2, 1, 4, 2, 1, bias=False),
        nn.Tanh(),
    )
    model.apply(dcgan_weights_init)
    return model


def discriminator(nn):
    """Image (N, 1, 16, 16) -> probability (N,) that it is real."""

    class Discriminator(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, WIDTH, 4, 2, 1, bias=False)
            self.conv2 = nn.Conv2d(WIDTH, WIDTH * 2, 4, 2, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(WIDTH * 2)
            self.conv3 = nn.Conv2d(WIDTH * 2, 1, 4, 1, 0, bias=False)

        def forward(self, x):
            x = F.leaky_relu(self.conv1(x), 0.2)
            x = F.leaky_relu(self.bn2(self.conv2(x)), 0.2)
            return torch.sigmoid(self.conv3(x)).view(-1)

    model = Discriminator()
    model.apply(dcgan_weights_init)
    return model


def _gan_steps(see, netG, netD, steps=3):
    """The tutorial's loop: D on real and fake batches, then G; record both losses."""
    optD = torch.optim.Adam(netD.parameters(), lr=2e-4, betas=(0.5, 0.999))
    optG = torch.optim.Adam(netG.parameters(), lr=2e-4, betas=(0.5, 0.999))
    netG.train()
    netD.train()
    for _ in range(steps):
        real = torch.rand(4, 1, 16, 16) * 2 - 1
        noise = torch.randn(4, NOISE, 1, 1)
        netD.zero_grad()
        errD_real = F.binary_cross_entropy(netD(real), torch.ones(4))
        errD_real.backward()
        fake = netG(noise)
        errD_fake = F.binary_cross_entropy(netD(fake.detach()), torch.zeros(4))
        errD_fake.backward()
        optD.step()
        netG.zero_grad()
        errG = F.binary_cross_entropy(netD(fake), torch.ones(4))
        errG.backward()
        optG.step()
        see((errD_real + errD_fake, errG))


@scenario("models", methods=("load_state_dict", "apply"))
def dcgan_loads_torch_weights_and_trains_the_same(nn, see):
    """DCGAN: same init through apply(), torch's weights load, same images, same adversarial losses."""
    netG = _load_torch_weights(nn, see, generator)
    netD = _load_torch_weights(nn, see, discriminator)
    _eval_output(see, netG, torch.randn(2, NOISE, 1, 1))
    _eval_output(see, netD, torch.rand(2, 1, 16, 16))
    _gan_steps(see, netG, netD)
    see(dict(netG.named_buffers()))


@scenario("models", methods=("state_dict", "load_state_dict"))
def dcgan_generator_state_dict_has_torch_keys(nn, see):
    """The generator's state_dict has torch's keys and shapes (transposed weights: in, out, k, k)."""
    see({key: tuple(value.shape) for key, value in generator(nn).state_dict().items()})
    see.keys(generator(nn).named_modules())
    see(generator(nn).load_state_dict(generator(tnn).state_dict()))

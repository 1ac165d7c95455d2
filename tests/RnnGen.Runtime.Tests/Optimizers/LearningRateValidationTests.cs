namespace RnnGen.Runtime.Tests.Optimizers;

/// <summary>A learning rate that is not a finite positive number is refused where it is set.</summary>
public class LearningRateValidationTests
{
    public static TheoryData<float> Bad => new() { 0f, -1f, float.NaN, float.PositiveInfinity, float.NegativeInfinity };

    [Theory]
    [MemberData(nameof(Bad))]
    public void Constructors_refuse_it(float rate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd<float>(rate));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam<float>(rate));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW<float>(rate));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp<float>(rate));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adagrad<float>(rate));
    }

    [Theory]
    [MemberData(nameof(Bad))]
    public void The_setter_refuses_it_and_keeps_the_rate(float rate)
    {
        var adam = new Adam<float>(1e-3f);
        Assert.Throws<ArgumentOutOfRangeException>(() => adam.LearningRate = rate);
        Assert.Equal(1e-3f, adam.LearningRate);
    }

    [Fact]
    public void A_schedule_rate_too_large_for_the_element_type_is_refused_and_changes_nothing()
    {
        var sgd = new Sgd<float>(0.1f) { Schedule = LearningRateSchedule.From(_ => 1e300) };
        float[] parameters = { 1f, 2f };
        var ex = Assert.Throws<InvalidOperationException>(() => sgd.Step(parameters, new float[] { 1f, 1f }));
        Assert.Contains("1E+300", ex.Message);
        Assert.Equal(new[] { 1f, 2f }, parameters);
    }

    [Fact]
    public void A_schedule_may_still_decay_to_zero()
    {
        var sgd = new Sgd<float>(0.1f) { Schedule = LearningRateSchedule.From(_ => 0) };
        float[] p = [1f], g = [1f];
        sgd.Step(p, g);
        Assert.Equal(0f, sgd.LearningRate);
        Assert.Equal(1f, p[0]);
    }
}
